/** Quoting for SQL text that Assay writes: identifiers and literals pasted where DuckDB takes no bound parameter. */

/** Quotes an identifier for DuckDB SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for DuckDB SQL (for places that cannot take a bound parameter, like COPY targets). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * SQL that reads one Parquet file, or every file a glob matches, or a list of files. The lake's partition folders
 * (`date=2026-11-30/`) are not read as columns: every file holds all of its columns.
 */
export function readParquet(path: string | readonly string[]): string {
  const files = typeof path === 'string' ? quoteLiteral(path) : `[${path.map(quoteLiteral).join(', ')}]`;
  return `read_parquet(${files}, hive_partitioning = false)`;
}
