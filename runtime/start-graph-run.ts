import { randomBytes } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { rootMessage } from '../workflows/failure-message.js';
import { graphRun } from '../workflows/graph-run.js';
import { GRAPH_RUN_FAILED, progressQuery, type GraphRunInput, type GraphRunResult } from '../workflows/shared.js';

export interface StartGraphRunOptions {
  client: Client;
  taskQueue: string;
  input: GraphRunInput;
  workflowId?: string;
  /** Called with the run's progress while it runs (polled through the `progress` query). */
  onProgress?: (progress: GraphRunResult) => void;
  pollMs?: number;
}

/** A readable, unique workflow id: `assay-<selection>-<UTC time>-<random>`. */
export function graphRunWorkflowId(input: GraphRunInput, now = new Date()): string {
  const selection = (input.selection ?? '*').replace(/[^A-Za-z0-9_+:-]+/g, '_').slice(0, 40) || 'all';
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '');
  const partition = input.partition ? `-${input.partition}` : '';
  return `assay-${selection === '_' ? 'all' : selection}${partition}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Starts a graph run and waits for it; a run in which assets failed still yields its `GraphRunResult`. */
export async function startGraphRun(options: StartGraphRunOptions): Promise<GraphRunResult> {
  const { client, input } = options;
  const handle = await client.workflow.start(graphRun, {
    taskQueue: options.taskQueue,
    workflowId: options.workflowId ?? graphRunWorkflowId(input),
    args: [input],
    staticSummary: `Assay graph run: ${input.selection ?? '*'}${input.partition ? ` [${input.partition}]` : ''}`,
  });
  let polling = Boolean(options.onProgress);
  const poll = (async () => {
    while (polling) {
      try {
        const progress = await handle.query(progressQuery);
        if (polling) options.onProgress?.(progress);
      } catch {
        // The query handler exists only once planning has finished.
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
    }
  })();
  try {
    return await handle.result();
  } catch (err) {
    const failure = err instanceof WorkflowFailedError ? err.cause : undefined;
    if (failure instanceof ApplicationFailure && failure.type === GRAPH_RUN_FAILED && failure.details?.[0]) {
      return failure.details[0] as GraphRunResult;
    }
    if (err instanceof WorkflowFailedError) {
      throw new Error(`graph run ${handle.workflowId} failed: ${rootMessage(err)}`, { cause: err });
    }
    throw err;
  } finally {
    polling = false;
    await poll;
  }
}
