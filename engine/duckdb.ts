import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { readParquet } from '../framework/sql.js';

let shared: Promise<DuckDBInstance> | undefined;

/** The worker's one in-memory DuckDB instance; each materialization gets a connection of its own. */
export function sharedInstance(): Promise<DuckDBInstance> {
  shared ??= DuckDBInstance.create(':memory:');
  return shared;
}

/** Runs `fn` with a fresh connection (session time zone UTC), closed afterwards whatever happens. */
export async function withConnection<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const connection = await (await sharedInstance()).connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    return await fn(connection);
  } finally {
    connection.closeSync();
  }
}

/** Column names and DuckDB types of a Parquet file (read from its footer). */
export async function parquetSchema(path: string): Promise<{ name: string; type: string }[]> {
  return withConnection(async (connection) => {
    const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${readParquet(path)}`);
    return reader.getRowObjectsJson().map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  });
}
