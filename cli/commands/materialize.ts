import { Client, Connection } from '@temporalio/client';
import type { AssayConfig } from '../../assay.config.js';
import { planRun } from '../../framework/plan.js';
import { loadDefinitions } from '../../engine/load-definitions.js';
import { startEmbedded } from '../../runtime/embedded.js';
import { connectionOptions } from '../../temporal.config.js';
import type { GraphRunInput, GraphRunResult } from '../../workflows/shared.js';
import { runWithProgress } from '../progress.js';
import { resultJson, resultTable } from '../render.js';

export interface MaterializeOptions {
  partition?: string;
  json?: boolean;
  embedded?: boolean;
  maxParallel?: number;
}

/** `assay materialize [selection]`: runs a graph run on a Temporal server and prints the per-asset result. */
export async function materializeCommand(config: AssayConfig, selection: string, options: MaterializeOptions): Promise<number> {
  const input: GraphRunInput = {
    selection,
    maxParallel: options.maxParallel ?? config.temporal.maxParallelAssets,
    ...(options.partition === undefined ? {} : { partition: options.partition }),
  };
  let result: GraphRunResult;
  if (options.embedded) {
    const definitions = await loadDefinitions(config.definitionsModule);
    // The embedded worker runs these very definitions: a bad selection or partition fails here, at once, rather
    // than after a dev server has started and the run's planning activity has failed on it.
    planRun(definitions, { selection, ...(options.partition === undefined ? {} : { partition: options.partition }) });
    const embedded = await startEmbedded(definitions, config);
    try {
      result = await runWithProgress(embedded.client, embedded.config.temporal.taskQueue, input, options.json);
    } finally {
      await embedded.stop();
    }
  } else {
    const connection = await Connection.connect(connectionOptions(config.temporal)).catch((err: unknown) => {
      throw new Error(
        `cannot reach Temporal at ${config.temporal.address} (TEMPORAL_ADDRESS): ${(err as Error).message}. ` +
          'Start one with `npm start`, or pass --embedded to run a dev server in this process.',
        { cause: err },
      );
    });
    try {
      const client = new Client({ connection, namespace: config.temporal.namespace });
      result = await runWithProgress(client, config.temporal.taskQueue, input, options.json);
    } finally {
      await connection.close();
    }
  }
  console.log(options.json ? resultJson(result) : resultTable(result, config.logFile));
  return result.status === 'success' ? 0 : 1;
}
