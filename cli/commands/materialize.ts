import { Client, Connection } from '@temporalio/client';
import logUpdate from 'log-update';
import { loadDefinitions } from '../../framework/definitions.js';
import { assayHome } from '../../framework/lake.js';
import { startEmbedded } from '../../runtime/embedded.js';
import { startGraphRun } from '../../runtime/start-graph-run.js';
import { connectionOptions, loadTemporalConfig } from '../../temporal.config.js';
import type { GraphRunInput, GraphRunResult } from '../../workflows/shared.js';
import { progressLines, resultJson, resultTable } from '../render.js';

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
    const embedded = await startEmbedded(await loadDefinitions(), assayHome());
    try {
      result = await run(embedded.client, embedded.config.taskQueue, input, options.json);
    } finally {
      await embedded.stop();
    }
  } else {
    const connection = await Connection.connect(connectionOptions(config));
    try {
      const client = new Client({ connection, namespace: config.namespace });
      result = await run(client, config.taskQueue, input, options.json);
    } finally {
      await connection.close();
    }
  }
  console.log(options.json ? resultJson(result) : resultTable(result));
  return result.status === 'success' ? 0 : 1;
}

export async function run(client: Client, taskQueue: string, input: GraphRunInput, quiet?: boolean): Promise<GraphRunResult> {
  const live = !quiet && process.stdout.isTTY;
  try {
    return await startGraphRun({
      client,
      taskQueue,
      input,
      ...(live ? { onProgress: (p: GraphRunResult) => logUpdate(progressLines(p)) } : {}),
    });
  } finally {
    if (live) logUpdate.clear();
  }
}
