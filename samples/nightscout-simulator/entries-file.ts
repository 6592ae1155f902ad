/**
 * Real entries for the simulator to serve: a JSON array as `/api/v1/entries.json` returns it, or
 * newline-delimited JSON as `mongoexport` writes it (`{"$oid": …}` ids, float or `$numberLong`
 * dates). `_id` becomes a string and `date` an integer, as a live site would answer; every other
 * field is served as found.
 */
import { readFileSync } from 'node:fs';
import { InvalidDataError } from '../../framework/errors.js';
import { assertRawEntries, normaliseDate, normaliseId } from '../../sources/nightscout/entry.js';

/** An entry as served: `_id` and `date` normalised, other fields untouched. */
export type ServedEntry = Record<string, unknown> & { _id: string; date: number; type: string };

/** Normalises raw entries (validated with the shared entry schema); `where` names them in errors. */
export function normaliseRawEntries(raw: unknown, where: string, label?: (index: number) => string): ServedEntry[] {
  assertRawEntries(raw, where, label);
  return raw.map((entry) => {
    const served: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entry)) {
      served[key] = key === '_id' ? normaliseId(value) : key === 'date' ? normaliseDate(value) : value;
    }
    return served as ServedEntry;
  });
}

/** Reads a JSON-array or NDJSON file of entries. Throws `InvalidDataError` naming the file and element/line. */
export function loadEntriesFile(path: string): ServedEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidDataError(`cannot read Nightscout entries file ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (/^\s*\[/.test(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InvalidDataError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    return normaliseRawEntries(parsed, path);
  }
  const lines: number[] = [];
  const rows: unknown[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      rows.push(JSON.parse(line));
    } catch (error) {
      throw new InvalidDataError(`${path} line ${index + 1} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    lines.push(index + 1);
  });
  return normaliseRawEntries(rows, path, (index) => `line ${lines[index] ?? index + 1}`);
}
