import type { Client } from '@temporalio/client';
import logUpdate from 'log-update';
import { startGraphRun } from '../runtime/start-graph-run.js';
import type { GraphRunInput, GraphRunResult } from '../workflows/shared.js';
import { progressLines } from './render.js';

/** Starts a graph run and, on a terminal, redraws one status line per asset while it runs. */
export async function runWithProgress(
  client: Client,
  taskQueue: string,
  input: GraphRunInput,
  quiet?: boolean,
): Promise<GraphRunResult> {
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
