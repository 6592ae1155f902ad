/**
 * Helpers for testing assets without Temporal: run compute and publish in-process, and seed the lake with
 * fixture data for an upstream asset. The execution path on Temporal is tested separately against a real server.
 *
 * ```ts
 * await seedAsset(home, rawOrders, `select * from read_json('fixtures/orders.json')`);
 * const records = await materializeLocally({ definitions, home, selection: 'raw_orders+ and not raw_orders' });
 * ```
 */
import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AssetDefinition } from './asset.js';
import { computeToStaging } from './compute.js';
import type { Definitions } from './definitions.js';
import { quoteLiteral, withConnection } from './duckdb.js';
import { publishedPath, temporarySibling } from './lake.js';
import { planRun } from './plan.js';
import { publishStaged, type MaterializationRecord } from './publish.js';

export interface LocalRunOptions {
  definitions: Definitions;
  home: string;
  selection?: string;
  runId?: string;
}

/** Materializes a selection in dependency order in this process; stops at the first failure. */
export async function materializeLocally(options: LocalRunOptions): Promise<MaterializationRecord[]> {
  const { definitions, home } = options;
  const runId = options.runId ?? `local-${Date.now()}`;
  const records: MaterializationRecord[] = [];
  for (const step of planRun(definitions, options.selection ?? '*').steps) {
    const staged = await computeToStaging({ definitions, home, key: step.key, runId });
    records.push(await publishStaged({ definitions, home, staged }));
  }
  return records;
}

/** Publishes the result of a DuckDB query as an asset's data, as if it had been materialized. */
export async function seedAsset(home: string, asset: AssetDefinition, query: string): Promise<string> {
  const path = publishedPath(home, asset);
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporarySibling(path);
  await withConnection((c) => c.run(`COPY (${query}) TO ${quoteLiteral(tmp)} (FORMAT parquet)`));
  await rename(tmp, path);
  return path;
}

/** Reads a published asset's rows as plain JSON-friendly objects. */
export async function readAsset(home: string, asset: AssetDefinition): Promise<Record<string, unknown>[]> {
  return withConnection(async (c) => {
    const reader = await c.runAndReadAll(`SELECT * FROM read_parquet(${quoteLiteral(publishedPath(home, asset))})`);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  });
}
