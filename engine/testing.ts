/**
 * Helpers for testing assets without Temporal: materialize in this process (the same engine the worker's
 * activity runs), and seed the lake with fixture data for an upstream asset. The execution path on Temporal is
 * tested separately against a real server.
 *
 * ```ts
 * await seedAsset(home, rawOrders, `select * from read_json('fixtures/orders.json')`);
 * const records = await materializeLocally({ definitions, home, selection: 'raw_orders+ and not raw_orders' });
 * ```
 */
import { mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AssetDefinition } from '../framework/asset.js';
import type { Definitions } from '../framework/definitions.js';
import { planRun } from '../framework/plan.js';
import { quoteLiteral, readParquet } from '../framework/sql.js';
import { withConnection } from './duckdb.js';
import { allPartitionsGlob, publishedPath, temporarySibling } from './lake.js';
import { materialize, type EngineConfig } from './materialize.js';
import type { MaterializationRecord } from './publish.js';

export interface LocalRunOptions {
  definitions: Definitions;
  home: string;
  selection?: string;
  /** One partition for every partitioned asset selected. */
  partition?: string;
  /** Every partition from `from` to `to` (included), in dependency order. */
  range?: { from: string; to: string };
  runId?: string;
  /** Environment values the assets read through `ctx.config.env` (default: none). */
  env?: Record<string, string>;
}

/** The configuration an in-process run gives its assets: `home`, `env`, no settings file. */
export function testConfig(home: string, env: Record<string, string> = {}): EngineConfig {
  return { home, projectRoot: process.cwd(), env, settings: {}, settingsFile: join(process.cwd(), 'assay.config.json') };
}

/** Materializes a selection in dependency order in this process; stops at the first failure. */
export async function materializeLocally(options: LocalRunOptions): Promise<MaterializationRecord[]> {
  const { definitions, home } = options;
  const runId = options.runId ?? `local-${Date.now()}`;
  const config = testConfig(home, options.env);
  const records: MaterializationRecord[] = [];
  const plan = planRun(definitions, {
    selection: options.selection ?? '*',
    ...(options.partition === undefined ? {} : { partition: options.partition }),
    ...(options.range ? { range: options.range } : {}),
  });
  for (const step of plan.steps) {
    const outcome = await materialize({ definitions, config, key: step.key, partitions: step.partitions ?? [], runId });
    records.push(...outcome.records);
  }
  return records;
}

/** Publishes the result of a DuckDB query as an asset's data, as if it had been materialized. */
export async function seedAsset(home: string, asset: AssetDefinition, query: string, partition?: string): Promise<string> {
  const path = publishedPath(home, asset, partition);
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporarySibling(path);
  await withConnection((c) => c.run(`COPY (${query}) TO ${quoteLiteral(tmp)} (FORMAT parquet)`));
  await rename(tmp, path);
  return path;
}

/** Reads a published asset's rows (of one partition, or of all, in key order) as plain JSON-friendly objects. */
export async function readAsset(home: string, asset: AssetDefinition, partition?: string): Promise<Record<string, unknown>[]> {
  const path = asset.partitions && partition === undefined ? allPartitionsGlob(home, asset) : publishedPath(home, asset, partition);
  return withConnection(async (c) => {
    const reader = await c.runAndReadAll(`SELECT * FROM ${readParquet(path)}`);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  });
}
