/**
 * Static lineage: the asset graph as OpenLineage job events, without running anything (`assay lineage publish`).
 * One `JobEvent` for the graph job, then one per asset (in dependency order) with the same job facets and
 * datasets its runs report, and each dataset's columns from its latest published Parquet file when there is one.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AssetDefinition } from '../framework/asset.js';
import type { ColumnSchema } from '../engine/compute.js';
import { parquetSchema } from '../engine/duckdb.js';
import { assetDir } from '../engine/lake.js';
import type { AssetConfig } from '../framework/asset.js';
import { assetDataset, assetJob, graphJob, sourceDatasets, type LineageContext } from './assay-events.js';
import { inputDataset, jobEvent, outputDataset, type Dataset, type JobEvent } from './index.js';

/** Asset key → columns of its latest published Parquet file (assets never published are absent). */
export type PublishedSchemas = ReadonlyMap<string, readonly ColumnSchema[]>;

/**
 * The newest published Parquet file of an asset: `data.parquet`, or for a partitioned asset the partition's
 * `<dimension>=<key>/data.parquet` written last. Undefined when the asset was never published.
 */
export async function latestPublishedParquet(home: string, asset: AssetDefinition): Promise<string | undefined> {
  const dir = assetDir(home, asset);
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const candidates = entries.flatMap((e) =>
    e.name === 'data.parquet' && e.isFile() ? [join(dir, e.name)] : e.isDirectory() && e.name.includes('=') ? [join(dir, e.name, 'data.parquet')] : [],
  );
  let latest: { path: string; mtimeMs: number } | undefined;
  for (const path of candidates) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    if (!latest || info.mtimeMs > latest.mtimeMs) latest = { path, mtimeMs: info.mtimeMs };
  }
  return latest?.path;
}

/** The columns of every asset's latest published Parquet file. */
export async function publishedSchemas(ctx: LineageContext): Promise<PublishedSchemas> {
  const schemas = new Map<string, readonly ColumnSchema[]>();
  for (const asset of ctx.definitions.assets) {
    const path = await latestPublishedParquet(ctx.home, asset);
    if (path) schemas.set(asset.key, await parquetSchema(path));
  }
  return schemas;
}

/** The external sources each raw asset declares, as datasets (an asset whose sources cannot be listed has none). */
export async function declaredSources(ctx: LineageContext, config: AssetConfig): Promise<ReadonlyMap<string, Dataset[]>> {
  const sources = new Map<string, Dataset[]>();
  for (const asset of ctx.definitions.assets) {
    if (!asset.sources) continue;
    try {
      sources.set(asset.key, sourceDatasets(await asset.sources(config)));
    } catch {
      // A folder or site not configured here: the job is published without its sources.
    }
  }
  return sources;
}

/**
 * The graph job, then one job event per asset in dependency order: inputs are its external sources and its deps'
 * folders, output its own.
 */
export function staticLineageEvents(
  ctx: LineageContext,
  schemas: PublishedSchemas,
  eventTime: Date = new Date(),
  sources: ReadonlyMap<string, Dataset[]> = new Map(),
): JobEvent[] {
  const { graph } = ctx.definitions;
  const events = [jobEvent({ eventTime, job: graphJob(ctx) })];
  for (const key of graph.toposort()) {
    const asset = graph.get(key);
    events.push(
      jobEvent({
        eventTime,
        job: assetJob(ctx, asset),
        inputs: [
          ...(sources.get(key) ?? []).map((source) => inputDataset(source)),
          ...asset.deps.map((dep) => inputDataset(assetDataset(ctx, graph.get(dep.key), schemas.get(dep.key)))),
        ],
        outputs: [outputDataset(assetDataset(ctx, asset, schemas.get(key)))],
      }),
    );
  }
  return events;
}

