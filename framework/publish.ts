import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { ColumnSchema, StagedAsset } from './compute.js';
import { sha256File } from './content-hash.js';
import type { Definitions } from './definitions.js';
import { metadataPath, moveIntoPlace, publishedPath, quarantinePath, stagingRunDir, writeFileAtomic } from './lake.js';

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
  durationMs: number;
  codeVersion: string | null;
  contentHash: string;
  materializedAt: string;
  /** Summary of the expectation results, when the asset has suites. */
  checks: { success: boolean; evaluated: number; failed: number; warnings: number } | null;
}

export interface PublishRequest {
  definitions: Definitions;
  home: string;
  staged: StagedAsset;
  checks?: MaterializationRecord['checks'];
  now?: Date;
}

/** Replaces the published version with the staged file (one rename) and records the materialization. */
export async function publishStaged(request: PublishRequest): Promise<MaterializationRecord> {
  const { definitions, home, staged } = request;
  const asset = definitions.graph.get(staged.key);
  const target = publishedPath(home, asset, staged.partition);
  // A retried publish whose rename already happened finds the staged file in place: carry on from there.
  const alreadyMoved = !existsSync(staged.stagingPath) && existsSync(target) && (await sha256File(target)) === staged.contentHash;
  if (!alreadyMoved) await moveIntoPlace(staged.stagingPath, target);
  const now = request.now ?? new Date();
  const record: MaterializationRecord = {
    runId: staged.runId,
    asset: staged.key,
    partition: staged.partition ?? null,
    layer: asset.layer,
    path: target,
    rows: staged.rows,
    bytes: staged.bytes,
    schema: staged.schema,
    durationMs: Math.round(staged.computeMs),
    codeVersion: asset.codeVersion ?? null,
    contentHash: staged.contentHash,
    materializedAt: now.toISOString(),
    checks: request.checks ?? null,
  };
  await writeFileAtomic(
    metadataPath(home, staged.key, staged.runId, staged.partition),
    JSON.stringify(record, null, 2) + '\n',
  );
  return record;
}

/** Moves rejected data out of staging so it can be inspected; the published version stays as it was. */
export async function quarantineStaged(definitions: Definitions, home: string, staged: StagedAsset): Promise<string> {
  const asset = definitions.graph.get(staged.key);
  const target = quarantinePath(home, staged.runId, asset, staged.partition);
  await moveIntoPlace(staged.stagingPath, target);
  return target;
}

/** Removes what a graph run left in staging (data of assets that failed before publishing). */
export async function removeStaging(home: string, runId: string): Promise<void> {
  await rm(stagingRunDir(home, runId), { recursive: true, force: true });
}
