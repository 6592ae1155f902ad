import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

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

/** Quotes an identifier for DuckDB SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for DuckDB SQL (for places that cannot take a bound parameter, like COPY targets). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** SQL that reads one Parquet file. */
export function readParquet(path: string): string {
  return `read_parquet(${quoteLiteral(path)})`;
}
