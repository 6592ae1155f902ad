import type { AssayConfig } from '../../assay.config.js';
import { planRun } from '../../framework/plan.js';
import { loadDefinitions } from '../../engine/load-definitions.js';
import { withTemporal } from '../../runtime/temporal-client.js';
import type { GraphRunInput } from '../../workflows/shared.js';
import { runWithProgress } from '../progress.js';
import { resultJson, resultTable } from '../render.js';

export interface MaterializeOptions {
  partition?: string;
  from?: string;
  to?: string;
  json?: boolean;
  embedded?: boolean;
  maxParallel?: number;
}

/** `assay materialize [selection]`: runs a graph run on a Temporal server and prints the per-asset result. */
export async function materializeCommand(config: AssayConfig, selection: string, options: MaterializeOptions): Promise<number> {
  if ((options.from === undefined) !== (options.to === undefined)) {
    throw new Error('--from and --to go together: the first and last partition of the range');
  }
  if (options.partition !== undefined && options.from !== undefined) throw new Error('give --partition or --from/--to, not both');
  const input: GraphRunInput = {
    selection,
    maxParallel: options.maxParallel ?? config.temporal.maxParallelAssets,
    ...(options.partition === undefined ? {} : { partition: options.partition }),
    ...(options.from !== undefined && options.to !== undefined ? { range: { from: options.from, to: options.to } } : {}),
  };
  let embedded;
  if (options.embedded) {
    embedded = await loadDefinitions(config.definitionsModule);
    // The embedded worker runs these very definitions: a bad selection or partition fails here, at once, rather
    // than after a dev server has started and the run's planning activity has failed on it.
    planRun(embedded, { selection, ...(input.partition === undefined ? {} : { partition: input.partition }), ...(input.range ? { range: input.range } : {}) });
  }
  const result = await withTemporal(config, embedded ? { embedded } : {}, ({ client, taskQueue }) =>
    runWithProgress(client, taskQueue, input, options.json),
  );
  console.log(options.json ? resultJson(result) : resultTable(result, config.logFile));
  return result.status === 'success' ? 0 : 1;
}
