/**
 * Reads one Fitbit export file into typed columns, or refuses it with every problem located: file, line, column and
 * value. Nothing of a file with a problem is kept: a file is read whole or not at all.
 *
 * What is accepted: the CSV dialects of `csv.ts` (BOM, CRLF/LF/CR, quoted fields), blank lines and rows of empty
 * cells anywhere (skipped; Excel leaves them below the data), the date spellings of `dates.ts`, and spaces around
 * values. The header is the first non-blank record.
 */
import { InvalidDataError } from '../../framework/errors.js';
import { csvRecords, isBlankRecord, type CsvRecord } from './csv.js';
import type { ExportColumn, FitbitExport } from './fitbit-exports.js';
import { parseValue, type ParsedValue } from './parse-value.js';

/** The rows of a file, column by column (the spec's columns, by `name`), with the line each row is on. */
export interface ParsedExport {
  readonly rows: number;
  readonly columns: Readonly<Record<string, readonly (ParsedValue | null)[]>>;
  /** 1-based line of each row in the file. */
  readonly lines: readonly number[];
}

/** One thing wrong with a file. */
export interface ExportProblem {
  readonly file: string;
  readonly line: number;
  /** The header name of the column, when the problem is a value. */
  readonly column?: string;
  readonly value?: string;
  readonly problem: string;
}

/** A file that cannot be read as its kind of export; `problems` lists the first ones found, in file order. */
export class FitbitExportError extends InvalidDataError {
  constructor(
    readonly problems: readonly ExportProblem[],
    readonly totalProblems: number,
  ) {
    super(describeProblems(problems, totalProblems));
  }
}

/** How many problems a FitbitExportError lists (the rest are counted). */
export const LISTED_PROBLEMS = 10;

/** Reads `text`, the content of `file` (named in errors), as an export of `spec`'s kind. */
export function parseFitbitExport(text: string, spec: FitbitExport, file: string): ParsedExport {
  if (text.startsWith('\uFFFD\uFFFD') || text.includes('\u0000')) {
    throw new InvalidDataError(`${file}: is not UTF-8 text (UTF-16?); save it as CSV (UTF-8)`);
  }
  const records = csvRecords(text, file);
  let header: CsvRecord | undefined;
  for (let next = records.next(); !next.done; next = records.next()) {
    if (!isBlankRecord(next.value)) {
      header = next.value;
      break;
    }
  }
  if (!header) {
    throw new InvalidDataError(`${file}: has no header row; expected ${spec.label} columns ${spec.columns.map((c) => c.header).join(',')}`);
  }
  const positions = columnPositions(spec, header.fields, file, header.line);
  const width = header.fields.length;
  const columns: Record<string, (ParsedValue | null)[]> = Object.fromEntries(spec.columns.map((c) => [c.name, []]));
  const lines: number[] = [];
  const problems: ExportProblem[] = [];
  let totalProblems = 0;
  const report = (problem: ExportProblem) => {
    totalProblems++;
    if (problems.length < LISTED_PROBLEMS) problems.push(problem);
  };
  // The records after the header: the same generator, continued (it was not closed, unlike a for…of with break).
  for (const record of records) {
    if (isBlankRecord(record)) continue;
    if (record.fields.length !== width) {
      report({ file, line: record.line, problem: `has ${record.fields.length} fields, the header has ${width}` });
      continue;
    }
    const values: (ParsedValue | null)[] = [];
    let rowOk = true;
    for (const [column, position] of positions) {
      const text = position === undefined ? '' : record.fields[position]!.trim();
      if (text === '') {
        if (column.required) {
          report({ file, line: record.line, column: column.header, value: '', problem: 'is empty, and the column is required' });
          rowOk = false;
        }
        values.push(null);
        continue;
      }
      const parsed = parseValue(column.kind, text);
      if (parsed.ok) {
        values.push(parsed.value);
      } else {
        report({ file, line: record.line, column: column.header, value: text, problem: parsed.problem });
        rowOk = false;
        values.push(null);
      }
    }
    if (!rowOk) continue;
    positions.forEach(([column], i) => columns[column.name]!.push(values[i]!));
    lines.push(record.line);
  }
  if (totalProblems > 0) throw new FitbitExportError(problems, totalProblems);
  return { rows: lines.length, columns, lines };
}

/** Where each spec column is in the header (undefined: an optional column the file does not have). */
function columnPositions(
  spec: FitbitExport,
  header: readonly string[],
  file: string,
  line: number,
): [ExportColumn, number | undefined][] {
  const byName = new Map<string, number>();
  header.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    if (!byName.has(key)) byName.set(key, i);
  });
  const positions = spec.columns.map((c): [ExportColumn, number | undefined] => [c, byName.get(c.header.toLowerCase())]);
  const missing = positions.filter(([c, at]) => c.required && at === undefined).map(([c]) => c.header);
  if (missing.length > 0) {
    throw new InvalidDataError(
      `${file}:${line}: the ${spec.label} header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; ` +
        `expected ${spec.columns.map((c) => c.header).join(',')} (found: ${header.join(',')})`,
    );
  }
  return positions;
}

function describeProblems(problems: readonly ExportProblem[], total: number): string {
  const first = problems[0];
  const lines = problems.map((p) => {
    const where = `${p.file}:${p.line}`;
    return p.column === undefined ? `${where}: the row ${p.problem}` : `${where}: column ${p.column} value '${p.value}' ${p.problem}`;
  });
  const more = total > problems.length ? `\n… and ${total - problems.length} more` : '';
  const summary = `${first?.file ?? 'file'}: ${total} problem${total > 1 ? 's' : ''}; nothing of the file was ingested`;
  return `${summary}\n${lines.join('\n')}${more}`;
}
