import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Layer } from '../framework/asset.js';

/**
 * Where everything lives under `ASSAY_HOME` (default `./.assay`):
 *
 * ```
 * lake/<layer>/<asset key>/data.parquet                   published data of an unpartitioned asset
 * lake/<layer>/<asset key>/<dimension>=<key>/data.parquet   … of one partition (hive style, e.g. date=2026-11-30)
 * pending/<run id>/<asset key>/…/data.parquet             written, not yet published (crash leftovers are swept)
 * quarantine/<asset key>/<run id>[_<partition>].parquet    data rejected by an error-level check
 * metadata/materializations/<asset key>/<run id>[_<p>].json one record per successful materialization
 * metadata/latest/<asset key>/<partition or _>.json       the record of the published version
 * metadata/checks/<asset key>/<run id>[_<p>].json          expectation results of each checked materialization
 * locks/<asset key>/<partition or _>.lock                  held while a materialization computes and publishes
 * ```
 */
export interface AssetLocation {
  key: string;
  layer: Layer;
  /** For a partitioned asset, its dimension's name (`date`, `hour`, `subject`, …) names the partition folders. */
  partitions?: { dimension: string } | undefined;
}

function keySegments(key: string): string[] {
  return key.split('/');
}

/** The folder name of one partition: `<dimension>=<key>`, the key percent-encoded so it is one path segment. */
export function partitionFolder(asset: AssetLocation, partition: string): string {
  return `${asset.partitions?.dimension ?? 'partition'}=${encodeURIComponent(partition)}`;
}

function fileSuffix(partition: string | undefined): string {
  return partition === undefined ? '' : `_${encodeURIComponent(partition)}`;
}

export function assetDir(home: string, asset: AssetLocation): string {
  return join(home, 'lake', asset.layer, ...keySegments(asset.key));
}

export function publishedPath(home: string, asset: AssetLocation, partition?: string): string {
  const dir = assetDir(home, asset);
  return partition === undefined ? join(dir, 'data.parquet') : join(dir, partitionFolder(asset, partition), 'data.parquet');
}

/** A glob matching every published partition of a partitioned asset. */
export function allPartitionsGlob(home: string, asset: AssetLocation): string {
  return join(assetDir(home, asset), `${asset.partitions?.dimension ?? 'partition'}=*`, 'data.parquet');
}

/** Every published partition file of a partitioned asset, in key order. */
export async function publishedPartitionFiles(home: string, asset: AssetLocation): Promise<string[]> {
  const dir = assetDir(home, asset);
  const prefix = `${asset.partitions?.dimension ?? 'partition'}=`;
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((name) => name.startsWith(prefix))
    .sort()
    .map((name) => join(dir, name, 'data.parquet'))
    .filter((path) => existsSync(path));
}

export function stagingPath(home: string, runId: string, asset: AssetLocation, partition?: string): string {
  const base = join(home, 'pending', runId, ...keySegments(asset.key));
  return partition === undefined ? join(base, 'data.parquet') : join(base, partitionFolder(asset, partition), 'data.parquet');
}

export function stagingRunDir(home: string, runId: string): string {
  return join(home, 'pending', runId);
}

export function quarantinePath(home: string, runId: string, asset: AssetLocation, partition?: string): string {
  return join(home, 'quarantine', ...keySegments(asset.key), `${runId}${fileSuffix(partition)}.parquet`);
}

export function metadataDir(home: string): string {
  return join(home, 'metadata', 'materializations');
}

export function metadataPath(home: string, key: string, runId: string, partition?: string): string {
  return join(metadataDir(home), ...keySegments(key), `${runId}${fileSuffix(partition)}.json`);
}

export function latestRecordPath(home: string, key: string, partition?: string): string {
  return join(home, 'metadata', 'latest', ...keySegments(key), `${partition === undefined ? '_' : encodeURIComponent(partition)}.json`);
}

export function checkResultsPath(home: string, key: string, runId: string, partition?: string): string {
  return join(home, 'metadata', 'checks', ...keySegments(key), `${runId}${fileSuffix(partition)}.json`);
}

export function lockPath(home: string, key: string, partition?: string): string {
  return join(home, 'locks', ...keySegments(key), `${partition === undefined ? '_' : encodeURIComponent(partition)}.lock`);
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
