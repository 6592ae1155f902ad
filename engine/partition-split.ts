/**
 * A single-run materialization computes many partitions in one table; this splits the table into one Parquet file
 * per partition with one `COPY … PARTITION_BY`, by the asset's `partitionColumn`.
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pLimit from 'p-limit';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AssetDefinition } from '../framework/asset.js';
import { InvalidDataError } from '../framework/errors.js';
import type { PartitionsDefinition } from '../framework/partitions.js';
import { quoteIdent, quoteLiteral } from '../framework/sql.js';
import { temporarySibling } from './lake.js';

const KEY_COLUMN = '__assay_partition';
/** Partition files moved into place at once. */
const FILES_AT_ONCE = 16;

/** SQL giving the partition key of a row from the partition column, whose DuckDB type is `type`. */
function keyExpression(definition: PartitionsDefinition, column: string, type: string): string {
  const col = quoteIdent(column);
  if (definition.kind === 'static') return `${col}::VARCHAR`;
  if (type === 'VARCHAR') return col;
  const local =
    type === 'TIMESTAMP WITH TIME ZONE' ? `timezone(${quoteLiteral(definition.timezone)}, ${col})` : `${col}::TIMESTAMP`;
  switch (definition.cadence) {
    case 'hourly':
      return `strftime(date_trunc('hour', ${local}), '%Y-%m-%d-%H:%M')`;
    case 'daily':
      return `strftime(${local}, '%Y-%m-%d')`;
    case 'weekly':
      return `strftime(date_trunc('week', ${local}), '%Y-%m-%d')`;
    case 'monthly':
      return `strftime(${local}, '%Y-%m')`;
  }
}

export interface SplitTable {
  /** A view of the table with the partition key of each row in one more column. */
  keyed: string;
  /** Rows per requested key (0 for a key without rows). */
  rows: Map<string, number>;
}

/**
 * Adds each row's partition key (a view, no copy) and counts the rows per key; throws an `InvalidDataError` if
 * rows belong to a partition that was not asked for, or to none.
 */
export async function keyRows(
  connection: DuckDBConnection,
  table: string,
  asset: AssetDefinition,
  keys: readonly string[],
): Promise<SplitTable> {
  const column = asset.partitionColumn!;
  const described = await connection.runAndReadAll(
    `SELECT data_type FROM duckdb_columns() WHERE table_name = $1 AND column_name = $2 AND database_name = 'temp'`,
    [table, column],
  );
  const type = described.getRows()[0]?.[0];
  if (type === undefined) {
    throw new InvalidDataError(`asset '${asset.key}': its partitionColumn '${column}' is not among its output columns`);
  }
  const keyed = `${table}_keyed`;
  await connection.run(
    `CREATE OR REPLACE TEMP VIEW ${quoteIdent(keyed)} AS
     SELECT *, ${keyExpression(asset.partitions!, column, String(type))} AS ${KEY_COLUMN} FROM ${quoteIdent(table)}`,
  );
  const counts = await connection.runAndReadAll(
    `SELECT ${KEY_COLUMN}, count(*) FROM ${quoteIdent(keyed)} GROUP BY ALL ORDER BY 1 NULLS FIRST`,
  );
  const wanted = new Set(keys);
  const rows = new Map(keys.map((key) => [key, 0]));
  const stray: string[] = [];
  for (const [key, n] of counts.getRows()) {
    if (key === null || !wanted.has(String(key))) stray.push(`${key === null ? `null ${column}` : String(key)} (${n} rows)`);
    else rows.set(String(key), Number(n));
  }
  if (stray.length > 0) {
    throw new InvalidDataError(
      `asset '${asset.key}' computed rows outside the partitions it was asked for (${keys[0]} … ${keys[keys.length - 1]}): ` +
        `${stray.slice(0, 5).join(', ')}${stray.length > 5 ? ', …' : ''}; filter them out, e.g. with {{ partition_start }} and {{ partition_end }}`,
    );
  }
  return { keyed, rows };
}

/**
 * Writes the keyed rows as one file per key, at `pathOf(key)` (keys without rows get an empty file with the same
 * columns). Each file is complete when it is renamed into place.
 */
export async function writePartitionFiles(
  connection: DuckDBConnection,
  split: SplitTable,
  stagingDir: string,
  pathOf: (key: string) => string,
): Promise<void> {
  const scratch = temporarySibling(join(stagingDir, 'split'));
  await mkdir(scratch, { recursive: true });
  try {
    await connection.run(
      `COPY ${quoteIdent(split.keyed)} TO ${quoteLiteral(scratch)}
       (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (${KEY_COLUMN}), OVERWRITE_OR_IGNORE true)`,
    );
    const limit = pLimit(FILES_AT_ONCE);
    const merges: { key: string; files: string[] }[] = [];
    await Promise.all(
      [...split.rows].map(([key, rows]) =>
        limit(async () => {
          const target = pathOf(key);
          await mkdir(dirname(target), { recursive: true });
          const folder = join(scratch, `${KEY_COLUMN}=${key}`);
          const files = rows > 0 ? (await readdir(folder)).filter((f) => f.endsWith('.parquet')).sort() : [];
          if (files.length === 1) await rename(join(folder, files[0]!), target);
          else merges.push({ key, files: files.map((f) => join(folder, f)) });
        }),
      ),
    );
    // A key without rows gets an empty file; one DuckDB wrote in several parts, one file. One query at a time.
    for (const { key, files } of merges) {
      const source = files.length === 0
        ? `(SELECT * EXCLUDE (${KEY_COLUMN}) FROM ${quoteIdent(split.keyed)} WHERE false)`
        : `(SELECT * FROM read_parquet([${files.map(quoteLiteral).join(', ')}], hive_partitioning = false))`;
      const tmp = temporarySibling(pathOf(key));
      await connection.run(`COPY ${source} TO ${quoteLiteral(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
      await rename(tmp, pathOf(key));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
