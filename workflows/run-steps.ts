import { isCancellation, proxyActivities, proxyLocalActivities, TimeoutFailure } from '@temporalio/workflow';
import type { Activities, GraphRunRef } from '../activities/index.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../framework/errors.js';
import { partitionLabel, type PlanStep } from '../framework/plan.js';
import { rootMessage } from './failure-message.js';
import type { AssetRunResult } from './shared.js';

export interface RunStepsOptions {
  /** The Assay run id: the graph run's Temporal run id. */
  runId: string;
  graph: GraphRunRef;
  maxParallel: number;
}

// Reporting a step whose worker died is one small local write: a local activity, no round trip.
const { reportStepFailure } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 2 },
});

/**
 * Runs plan steps as activities in dependency order, at most `maxParallel` at once; a step that fails marks every
 * step downstream of it `skipped`, other branches go on. `results` (one per step, `pending` at first) is updated in
 * place, so a query sees the progress.
 *
 * Each step is one activity (compute, checks and publish together): one hop through the server per asset. Its id
 * in the history is the step id (`key` or `key[partition]`) and its summary names the asset, so the Web UI shows
 * each materialization with its status, duration and error.
 */
export async function runSteps(steps: readonly PlanStep[], results: Map<string, AssetRunResult>, options: RunStepsOptions): Promise<void> {
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const step of steps) {
    waiting.set(step.id, step.waitsFor.length);
    for (const upstream of step.waitsFor) {
      const list = dependents.get(upstream);
      if (list) list.push(step.id);
      else dependents.set(upstream, [step.id]);
    }
  }
  const byId = new Map(steps.map((step) => [step.id, step]));
  const ready = steps.filter((step) => step.waitsFor.length === 0).map((step) => step.id);
  const running = new Set<Promise<void>>();

  const finished = (id: string) => {
    const result = results.get(id)!;
    for (const next of dependents.get(id) ?? []) {
      const downstream = results.get(next)!;
      if (result.status !== 'materialized') {
        if (downstream.status === 'pending') {
          downstream.status = 'skipped';
          downstream.error = `upstream asset '${result.key}' ${result.status === 'failed' ? 'failed' : 'was skipped'}`;
          finished(next);
        }
        continue;
      }
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0 && downstream.status === 'pending') ready.push(next);
    }
  };

  while (ready.length > 0 || running.size > 0) {
    while (ready.length > 0 && running.size < options.maxParallel) {
      const id = ready.shift()!;
      if (results.get(id)!.status !== 'pending') continue;
      const task: Promise<void> = runStep(byId.get(id)!, results.get(id)!, options).then(() => {
        running.delete(task);
        finished(id);
      });
      running.add(task);
    }
    if (running.size > 0) await Promise.race(running);
  }
}

async function runStep(step: PlanStep, result: AssetRunResult, options: RunStepsOptions): Promise<void> {
  const maximumAttempts = step.retry.maximumAttempts ?? 3;
  const { materializeStep } = proxyActivities<Activities>({
    activityId: step.id,
    summary: `materialize ${step.id}`,
    // Computes may run long; a worker that stops heartbeating (killed, lost) is noticed within 10 s instead.
    startToCloseTimeout: '4 hours',
    heartbeatTimeout: '10 seconds',
    // The asset's own retry policy: a source answering 503 is retried with back-off, bad SQL fails at once.
    retry: {
      initialInterval: step.retry.initialInterval ?? '1 second',
      backoffCoefficient: step.retry.backoffCoefficient ?? 2,
      maximumInterval: step.retry.maximumInterval ?? '1 minute',
      maximumAttempts,
      nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES, ...(step.retry.nonRetryableErrorTypes ?? [])],
    },
  });
  const scheduledAt = Date.now();
  result.status = 'running';
  try {
    const done = await materializeStep({
      runId: options.runId,
      graph: options.graph,
      key: step.key,
      ...(step.partitions ? { partitions: step.partitions } : {}),
      scheduledAt,
      maximumAttempts,
    });
    Object.assign(result, {
      status: 'materialized',
      partitions: done.partitions,
      rows: done.rows,
      bytes: done.bytes,
      computeMs: done.computeMs,
      workMs: done.workMs,
      path: done.path,
      reusedFrom: done.reusedFrom,
      ...(done.partitionRows ? { partitionRows: done.partitionRows } : {}),
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    Object.assign(result, { status: 'failed', error: rootMessage(err) });
    if (err instanceof Error && err.cause instanceof TimeoutFailure) {
      await reportStepFailure({
        graph: options.graph,
        step: step.id,
        key: step.key,
        ...(step.partitions ? { partitions: step.partitions } : {}),
        scheduledAt,
        error: result.error!,
      });
    }
  } finally {
    result.durationMs = Date.now() - scheduledAt;
  }
}

/** A step's result before it runs. */
export function pendingResult(step: PlanStep): AssetRunResult {
  return {
    key: step.key,
    partition: partitionLabel(step.partitions ?? []),
    partitions: null,
    status: 'pending',
    rows: null,
    bytes: null,
    durationMs: null,
    computeMs: null,
    workMs: null,
    path: null,
    error: null,
    activityId: step.id,
    reusedFrom: null,
  };
}
