/** Runs one query with bound parameters and reads its rows as JSON-friendly objects; failures are `SqlError`s. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SqlError } from '../framework/errors.js';
import type { Params } from './params.js';

export type QueryRow = Readonly<Record<string, unknown>>;

export async function runQuery(
  connection: DuckDBConnection,
  sql: string,
  params: Params,
  purpose: string,
): Promise<QueryRow[]> {
  try {
    const reader = await connection.runAndReadAll(sql, params.values, params.types);
    return reader.getRowObjectsJson();
  } catch (cause) {
    throw new SqlError(`${purpose} failed: ${(cause as Error).message}`, { cause });
  }
}
