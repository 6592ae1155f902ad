import type { AssetDefinition, AssetRetryPolicy, Layer } from './asset.js';
import type { Definitions } from './definitions.js';
import { PartitionError } from './errors.js';
import { upstreamRead } from './partition-mapping.js';
import { checkPartitionKey, partitionForTime, partitionKeysBetween } from './partitions.js';
import { resolveSelection } from './selection.js';

/** One materialization in a run, with what it waits for. Plain data: it crosses into workflow code. */
export interface PlanStep {
  /** Unique in the run: the asset key, with its partition in brackets (`key[2026-11-30]`, `key[2026-01-01..2026-01-31]`). */
  id: string;
  key: string;
  /** The partitions it materializes: one key, or a range for a single-run asset; absent for an unpartitioned asset. */
  partitions?: string[];
  group: string;
  layer: Layer;
  /** Steps it reads from (directly, or through assets outside the selection): it runs after them, or is skipped. */
  waitsFor: string[];
  retry: AssetRetryPolicy;
}

export interface RunPlan {
  selection: string;
  /** The worker's `ASSAY_MAX_PARALLEL`: how many assets run at once unless the run input says. */
  maxParallel: number;
  /** In a stable topological order. */
  steps: PlanStep[];
}

export interface PlanRequest {
  selection: string;
  /** One partition for every partitioned asset selected. */
  partition?: string;
  /** Every partition from `from` to `to` (included), e.g. a backfill's chunk. */
  range?: { from: string; to: string };
  /** A scheduled run's nominal time: each partitioned asset gets the latest partition that ended by then. */
  nominalTime?: Date;
  /** When the plan is made: partitions that have not begun are refused. */
  now?: Date;
  maxParallel?: number;
  /** Plan only the partitioned or only the unpartitioned assets of the selection (a backfill does each apart). */
  only?: 'partitioned' | 'unpartitioned';
}

/** `2026-11-30`, or `2026-11-01..2026-11-30` for a range of keys; null for none (an unpartitioned asset). */
export function partitionLabel(keys: readonly string[]): string | null {
  if (keys.length === 0) return null;
  return keys.length === 1 ? keys[0]! : `${keys[0]}..${keys[keys.length - 1]}`;
}

export function stepId(key: string, partitions?: readonly string[]): string {
  if (!partitions || partitions.length === 0) return key;
  return partitions.length === 1 ? `${key}[${partitions[0]}]` : `${key}[${partitions[0]}..${partitions[partitions.length - 1]}]`;
}

/**
 * The steps of a run. Without `partition`, `range` or `nominalTime`, a time-partitioned asset gets its latest
 * complete partition (the one its daily schedule would run) and a statically partitioned one every key. Every key is
 * checked against every selected partitioned asset before anything runs.
 */
export function planRun(definitions: Definitions, request: PlanRequest): RunPlan {
  const { graph } = definitions;
  const keys = resolveSelection(graph, request.selection).filter(
    (key) => request.only === undefined || (request.only === 'partitioned') === Boolean(graph.get(key).partitions),
  );
  const now = request.now ?? new Date();
  const selected = new Set(keys);
  const stepsOf = new Map<string, PlanStep[]>();
  const steps: PlanStep[] = [];
  for (const key of keys) {
    const asset = graph.get(key);
    const own = partitionGroups(asset, partitionsFor(asset, request, now)).map(
      (partitions): PlanStep => ({
        id: stepId(key, partitions),
        key,
        ...(partitions ? { partitions } : {}),
        group: asset.group,
        layer: asset.layer,
        waitsFor: waitsFor(asset, partitions ?? [], definitions, selected, stepsOf),
        retry: { ...asset.retry },
      }),
    );
    stepsOf.set(key, own);
    steps.push(...own);
  }
  return { selection: request.selection, maxParallel: request.maxParallel ?? 4, steps };
}

/** The partition keys of an asset in this run; undefined for an unpartitioned asset. */
function partitionsFor(asset: AssetDefinition, request: PlanRequest, now: Date): string[] | undefined {
  const definition = asset.partitions;
  if (!definition) return undefined;
  const what = `asset '${asset.key}'`;
  if (request.partition !== undefined) {
    checkPartitionKey(definition, request.partition, now, what);
    return [request.partition];
  }
  if (request.range) return partitionKeysBetween(definition, request.range.from, request.range.to, now, what);
  if (definition.kind === 'static') return [...definition.keys];
  const at = request.nominalTime ?? now;
  const key = partitionForTime(definition, at);
  if (key === undefined) {
    throw new PartitionError(`${what}: no partition has ended by ${at.toISOString()} (the first is ${definition.start})`);
  }
  return [key];
}

/** One group per step: a key each, or ranges of a single-run asset's keys. */
function partitionGroups(asset: AssetDefinition, keys: string[] | undefined): (string[] | undefined)[] {
  if (!keys) return [undefined];
  const policy = asset.backfillPolicy;
  if (policy.kind !== 'single_run') return keys.map((key) => [key]);
  const size = policy.maxPartitionsPerRun ?? keys.length;
  const groups: string[][] = [];
  for (let i = 0; i < keys.length; i += size) groups.push(keys.slice(i, i + size));
  return groups;
}

/** The steps a step of `asset` over `keys` reads from: those of selected deps it maps to, else of selected ancestors. */
function waitsFor(
  asset: AssetDefinition,
  keys: readonly string[],
  definitions: Definitions,
  selected: ReadonlySet<string>,
  stepsOf: ReadonlyMap<string, PlanStep[]>,
): string[] {
  const ids = new Set<string>();
  for (const dep of asset.deps) {
    if (selected.has(dep.key)) {
      const read = upstreamRead(asset, dep, keys);
      const wanted = read.kind === 'partitions' ? new Set(read.keys) : undefined;
      for (const step of stepsOf.get(dep.key) ?? []) {
        if (!wanted || step.partitions?.some((k) => wanted.has(k))) ids.add(step.id);
      }
    } else {
      // An unselected dep reads whatever its own deps published: wait for every step of the selected ones.
      for (const ancestor of definitions.graph.ancestors(dep.key)) {
        if (selected.has(ancestor)) for (const step of stepsOf.get(ancestor) ?? []) ids.add(step.id);
      }
    }
  }
  return [...ids].sort();
}

/**
 * Splits a backfill's range into chunks, run one after the other (each in dependency order, bounded parallelism):
 * a chunk is a month of days (31 keys), or, when every partitioned asset selected is single-run, as many keys as the
 * smallest `maxPartitionsPerRun` allows (all of them by default): one step per asset for the whole range.
 */
export function backfillChunks(definitions: Definitions, request: PlanRequest & { range: { from: string; to: string } }): { from: string; to: string; keys: number }[] {
  const { graph } = definitions;
  const now = request.now ?? new Date();
  const assets = resolveSelection(graph, request.selection).map((key) => graph.get(key)).filter((a) => a.partitions);
  if (assets.length === 0) {
    throw new PartitionError(`nothing to backfill: no asset of '${request.selection}' is partitioned`);
  }
  // Every selected partitioned asset must have the range's keys; the first one's are the backfill's.
  const keys = partitionKeysBetween(assets[0]!.partitions!, request.range.from, request.range.to, now, `asset '${assets[0]!.key}'`);
  for (const asset of assets.slice(1)) partitionKeysBetween(asset.partitions!, request.range.from, request.range.to, now, `asset '${asset.key}'`);
  const singleRun = assets.every((a) => a.backfillPolicy.kind === 'single_run');
  const size = singleRun
    ? Math.min(...assets.map((a) => (a.backfillPolicy.kind === 'single_run' ? (a.backfillPolicy.maxPartitionsPerRun ?? keys.length) : keys.length)))
    : 31;
  const chunks: { from: string; to: string; keys: number }[] = [];
  for (let i = 0; i < keys.length; i += size) {
    const part = keys.slice(i, i + size);
    chunks.push({ from: part[0]!, to: part[part.length - 1]!, keys: part.length });
  }
  return chunks;
}
