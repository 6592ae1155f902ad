import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Layer } from './asset.js';

/**
 * Where everything lives under `ASSAY_HOME` (default `./.assay`):
 *
 * ```
 * lake/<layer>/<asset key>/data.parquet             published data (one file per asset, or per partition)
 * lake/<layer>/<asset key>/partition=<p>.parquet
 * pending/<run id>/<asset key>/…parquet               computed, not yet checked or published (the "staging"
 *                                                    of write-audit-publish; not the dbt staging layer)
 * quarantine/<asset key>/<run id>….parquet            data rejected by an error-level check
 * metadata/materializations/<asset key>/<run id>….json  one record per successful materialization
 * metadata/checks/<asset key>/<run id>….json          expectation results of each checked materialization
 * ```
 */
export function assayHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.ASSAY_HOME ?? '.assay');
}

export interface AssetLocation {
  key: string;
  layer: Layer;
}

function keySegments(key: string): string[] {
  return key.split('/');
}

function partitionSuffix(partition: string | undefined): string {
  return partition === undefined ? '' : `partition=${encodeURIComponent(partition)}`;
}

export function assetDir(home: string, asset: AssetLocation): string {
  return join(home, 'lake', asset.layer, ...keySegments(asset.key));
}

export function publishedPath(home: string, asset: AssetLocation, partition?: string): string {
  const file = partition === undefined ? 'data.parquet' : `${partitionSuffix(partition)}.parquet`;
  return join(assetDir(home, asset), file);
}

export function stagingPath(home: string, runId: string, asset: AssetLocation, partition?: string): string {
  const file = partition === undefined ? 'data.parquet' : `${partitionSuffix(partition)}.parquet`;
  return join(home, 'pending', runId, ...keySegments(asset.key), file);
}

export function quarantinePath(home: string, runId: string, asset: AssetLocation, partition?: string): string {
  const suffix = partition === undefined ? '' : `_${partitionSuffix(partition)}`;
  return join(home, 'quarantine', ...keySegments(asset.key), `${runId}${suffix}.parquet`);
}

export function metadataDir(home: string): string {
  return join(home, 'metadata', 'materializations');
}

export function metadataPath(home: string, key: string, runId: string, partition?: string): string {
  const suffix = partition === undefined ? '' : `_${partitionSuffix(partition)}`;
  return join(metadataDir(home), ...keySegments(key), `${runId}${suffix}.json`);
}

export function stagingRunDir(home: string, runId: string): string {
  return join(home, 'pending', runId);
}

export function checkResultsPath(home: string, key: string, runId: string, partition?: string): string {
  const suffix = partition === undefined ? '' : `_${partitionSuffix(partition)}`;
  return join(home, 'metadata', 'checks', ...keySegments(key), `${runId}${suffix}.json`);
}

/** A path next to `path` that no one else writes: fill it, then `rename` it over `path`. */
export function temporarySibling(path: string): string {
  return join(dirname(path), `.${randomUUID()}.tmp`);
}

/** Writes a file so that readers see the old content or the new, never a part. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporarySibling(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Moves a finished file into place atomically (same filesystem), creating the folder. */
export async function moveIntoPlace(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await rename(from, to);
}
