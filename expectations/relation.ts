/** The relation under validation: its columns (read by preparing a query, not running it) and data files. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral, readParquet } from '../framework/sql.js';
import { InvalidDataError, SqlError } from '../framework/errors.js';
import type { ColumnInfo } from './column-types.js';

export async function describeRelation(connection: DuckDBConnection, relation: string): Promise<ColumnInfo[]> {
  let statement;
  try {
    statement = await connection.prepare(`SELECT * FROM ${relation}`);
  } catch (cause) {
    throw new SqlError(`cannot read the relation to validate, ${relation}: ${(cause as Error).message}`, { cause });
  }
  try {
    const columns: ColumnInfo[] = [];
    for (let i = 0; i < statement.columnCount; i++) {
      const type = statement.columnType(i);
      const name = statement.columnName(i);
      columns.push({ name, type: type.toString(), typeId: type.typeId, sql: quoteIdent(name) });
    }
    return columns;
  } finally {
    statement.destroySync();
  }
}

/** SQL reading a `.parquet` or `.csv` (optionally compressed) file. */
export function fileRelation(path: string): string {
  const lower = path.toLowerCase();
  // A file in a partition folder (`date=2026-11-30/`) holds all its columns: the folder name is not one of them.
  if (lower.endsWith('.parquet')) return readParquet(path);
  if (/\.(csv|tsv)(\.gz|\.zst)?$/.test(lower)) return `read_csv(${quoteLiteral(path)})`;
  throw new InvalidDataError(`cannot validate ${path}: expected a .parquet or .csv file`);
}
