/**
 * A segment: the typed rows of one export file as Parquet, the spec's columns plus `source_line`. Written from the
 * reader's columns through the asset's DuckDB connection, to a temporary name and renamed into place.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Float64, Int32, Table, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { quoteIdent, quoteLiteral, type AssetContext } from '../../framework/index.js';
import type { ExportColumn, FitbitExport, ValueKind } from '../../sources/wearables/fitbit-exports.js';
import type { ParsedExport } from '../../sources/wearables/read-export.js';

/** The DuckDB type each kind of value is stored as. */
export const SQL_TYPES: Readonly<Record<ValueKind, string>> = {
  id: 'VARCHAR',
  day: 'DATE',
  timestamp: 'TIMESTAMP',
  count: 'INTEGER',
  decimal: 'DOUBLE',
};

const LOADED = 'wearables_parsed_file';

/** Writes `parsed` to `path` as Parquet with the spec's column types and `source_line`. */
export async function writeSegment(ctx: AssetContext, spec: FitbitExport, parsed: ParsedExport, path: string): Promise<void> {
  const vectors: Record<string, Vector> = {};
  for (const column of spec.columns) vectors[column.name] = vector(column, parsed.columns[column.name] ?? []);
  vectors.source_line = vectorFromArray(parsed.lines as number[], new Int32()) as Vector;
  await ctx.loadArrow(new Table(vectors), LOADED);
  const typed = spec.columns.map((c) => `CAST(${quoteIdent(c.name)} AS ${SQL_TYPES[c.kind]}) AS ${quoteIdent(c.name)}`);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomUUID()}.tmp`;
  try {
    await ctx.connection.run(
      `COPY (SELECT ${typed.join(', ')}, source_line FROM ${LOADED} ORDER BY source_line) TO ${quoteLiteral(tmp)} (FORMAT parquet)`,
    );
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
    await ctx.connection.run(`DROP TABLE IF EXISTS ${LOADED}`);
  }
}

/** Days and timestamps travel as ISO text and are cast by DuckDB; numbers as Int32 or Float64. */
function vector(column: ExportColumn, values: readonly (string | number | null)[]): Vector {
  const type = column.kind === 'count' ? new Int32() : column.kind === 'decimal' ? new Float64() : new Utf8();
  return vectorFromArray(values as unknown[], type) as Vector;
}
