import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { SqlError } from '../framework/errors.js';
import { quoteIdent, quoteLiteral } from '../framework/sql.js';
import type { ColumnSchema } from './compute.js';
import { sha256File } from './content-hash.js';
import {
  latestRecordPath,
  metadataPath,
  moveIntoPlace,
  stagingRunDir,
  temporarySibling,
  writeFileAtomic,
} from './lake.js';

/** What Assay records about each successful materialization (`metadata/materializations/…json`). */
export interface MaterializationRecord {
  runId: string;
  asset: string;
  partition: string | null;
  layer: string;
  path: string;
  rows: number;
  bytes: number;
  schema: ColumnSchema[];
  /** Milliseconds from the start of the compute to the published file (compute, checks, write, publish). */
  durationMs: number;
  /** Milliseconds DuckDB (or the compute function) spent producing the rows. */
  computeMs: number;
  codeVersion: string | null;
  /** SHA-256 of the Parquet file: the same inputs give the same bytes. */
  contentHash: string;
  /** SHA-256 over the code (version and SQL) and the content hashes of every upstream file read. */
  inputHash: string;
  /** The upstream files read, by the content hash recorded when they were published. */
  upstream: { asset: string; partition: string | null; contentHash: string | null }[];
  materializedAt: string;
  /** Summary of the expectation results, when the asset has suites. */
  checks: { success: boolean; evaluated: number; failed: number; warnings: number } | null;
}

export interface WrittenFile {
  path: string;
  rows: number;
  bytes: number;
  contentHash: string;
}

/** Writes a table of `connection` as ZSTD Parquet at `path` (through a temporary sibling and a rename). */
export async function writeParquet(connection: DuckDBConnection, table: string, path: string, what: string): Promise<WrittenFile> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporarySibling(path);
  try {
    let rows: number;
    try {
      const result = await connection.run(
        `COPY ${quoteIdent(table)} TO ${quoteLiteral(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      rows = Number(result.rowsChanged);
    } catch (err) {
      throw new SqlError(`${what}: cannot write ${path}: ${(err as Error).message}`, { cause: err });
    }
    await rename(tmp, path);
    // The one read of the new file: its hash (the schema came from the catalog, the checks ran on the table).
    const [contentHash, { size }] = await Promise.all([sha256File(path), stat(path)]);
    return { path, rows, bytes: size, contentHash };
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Moves a written file into the lake with one rename and records the materialization. A retried publish whose
 * rename already happened (the staged file is gone, the target has its hash) just records it.
 */
export async function publishFile(
  home: string,
  staged: WrittenFile,
  target: string,
  record: MaterializationRecord,
): Promise<MaterializationRecord> {
  const alreadyMoved =
    !existsSync(staged.path) && existsSync(target) && (await sha256File(target)) === staged.contentHash;
  if (!alreadyMoved) await moveIntoPlace(staged.path, target);
  const text = JSON.stringify(record, null, 2) + '\n';
  const partition = record.partition ?? undefined;
  await writeFileAtomic(metadataPath(home, record.asset, record.runId, partition), text);
  await writeFileAtomic(latestRecordPath(home, record.asset, partition), text);
  return record;
}

/** The record of the published version of an asset partition, if any. */
export async function readLatestRecord(home: string, key: string, partition?: string): Promise<MaterializationRecord | undefined> {
  try {
    return JSON.parse(await readFile(latestRecordPath(home, key, partition), 'utf8')) as MaterializationRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Removes what a graph run left in staging (data of assets that failed before publishing). */
export async function removeStaging(home: string, runId: string): Promise<void> {
  await rm(stagingRunDir(home, runId), { recursive: true, force: true });
}
