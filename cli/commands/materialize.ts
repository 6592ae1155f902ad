import { Client, Connection } from '@temporalio/client';
import { loadDefinitions } from '../../framework/definitions.js';
import { assayHome } from '../../framework/lake.js';
import { planRun } from '../../framework/plan.js';
import { startEmbedded } from '../../runtime/embedded.js';
import { startSampleSources } from '../../runtime/sample-sources.js';
import { connectionOptions, loadTemporalConfig } from '../../temporal.config.js';
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
export async function materializeCommand(selection: string, options: MaterializeOptions): Promise<number> {
  const config = loadTemporalConfig();
  const input: GraphRunInput = {
    selection,
    maxParallel: options.maxParallel ?? config.maxParallelAssets,
    ...(options.partition === undefined ? {} : { partition: options.partition }),
  };
  let result: GraphRunResult;
  if (options.embedded) {
    const definitions = await loadDefinitions();
    // The embedded worker runs these very definitions: a bad selection or partition fails here, at once, rather
    // than after a dev server has started and the run's planning activity has failed on it.
    planRun(definitions, selection, options.partition);
    const sources = await startSampleSources();
    const embedded = await startEmbedded(definitions, assayHome());
    try {
      result = await runWithProgress(embedded.client, embedded.config.taskQueue, input, options.json);
    } finally {
      await embedded.stop();
      await sources.stop();
    }
  } else {
    const connection = await Connection.connect(connectionOptions(config)).catch((err: unknown) => {
      throw new Error(
        `cannot reach Temporal at ${config.address} (TEMPORAL_ADDRESS): ${(err as Error).message}. ` +
          'Start one with `npm start`, or pass --embedded to run a dev server in this process.',
        { cause: err },
      );
    });
    try {
      const client = new Client({ connection, namespace: config.namespace });
      result = await runWithProgress(client, config.taskQueue, input, options.json);
    } finally {
      await connection.close();
    }
  }
  console.log(options.json ? resultJson(result) : resultTable(result));
  return result.status === 'success' ? 0 : 1;
}
