import type { AssetRetryPolicy, Layer } from './asset.js';
import type { Definitions } from './definitions.js';
import { AssetDefinitionError } from './errors.js';
import { resolveSelection } from './selection.js';

/** One asset materialization in a run, with what it waits for. Plain data: it crosses into workflow code. */
export interface PlanStep {
  /** Unique in the run: the asset key, with the partition in brackets for a partitioned asset (`key[2026-11-30]`). */
  id: string;
  key: string;
  partition?: string;
  group: string;
  layer: Layer;
  /** Steps upstream of this one (at any depth): it runs after them and is skipped if one fails. */
  waitsFor: string[];
  retry: AssetRetryPolicy;
}

export interface RunPlan {
  selection: string;
  /** The worker's `ASSAY_MAX_PARALLEL`: how many assets run at once unless the run input says. */
  maxParallel: number;
  partition?: string;
  /** In a stable topological order. */
  steps: PlanStep[];
}

export function stepId(key: string, partition?: string): string {
  return partition === undefined ? key : `${key}[${partition}]`;
}

export function planRun(definitions: Definitions, selection: string, partition?: string, maxParallel = 4): RunPlan {
  const { graph } = definitions;
  const keys = resolveSelection(graph, selection);
  if (partition !== undefined) {
    throw new AssetDefinitionError(
      `partition '${partition}' was asked for, but none of the selected assets is partitioned ` +
        `(${keys.join(', ') || 'none selected'}); run without --partition`,
    );
  }
  const selected = new Set(keys);
  const steps = keys.map((key): PlanStep => {
    const asset = graph.get(key);
    return {
      id: stepId(key),
      key,
      group: asset.group,
      layer: asset.layer,
      waitsFor: graph.ancestors(key).filter((k) => selected.has(k)).sort().map((k) => stepId(k)),
      retry: { ...asset.retry },
    };
  });
  return { selection, maxParallel, steps };
}
