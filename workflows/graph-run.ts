import {
  ApplicationFailure,
  executeChild,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../framework/errors.js';
import type { PlanStep } from '../framework/plan.js';
import { rootMessage } from './failure-message.js';
import { materializeAsset } from './materialize-asset.js';
import {
  GRAPH_RUN_FAILED,
  progressQuery,
  type AssetRunResult,
  type GraphRunInput,
  type GraphRunResult,
} from './shared.js';

// Planning only reads the loaded definitions; a bad selection is final.
const { planGraphRun } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

// Lineage spools what it cannot deliver, so it never fails the run.
const { cleanupStaging } = proxyLocalActivities<Activities>({ startToCloseTimeout: '1 minute' });
const { emitGraphLineage } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 2 },
});

/**
 * Materializes a selection of assets: one child workflow per asset, in dependency order, independent assets in
 * parallel (bounded). An asset that fails marks everything downstream of it `skipped`; other branches finish.
 */
export async function graphRun(input: GraphRunInput = {}): Promise<GraphRunResult> {
  const info = workflowInfo();
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw ApplicationFailure.nonRetryable(
      `graphRun takes an object such as {"selection": "dim_glucose_date+"}, got ${JSON.stringify(input)}`,
      'InvalidInput',
    );
  }
  const selection = input.selection?.trim() || '*';
  const partition = input.partition === undefined ? {} : { partition: input.partition };
  const graph = { workflowId: info.workflowId, temporalRunId: info.runId, startedAt: info.startTime.getTime() };
  const result: GraphRunResult = {
    runId: info.runId,
    workflowId: info.workflowId,
    selection,
    partition: input.partition ?? null,
    status: 'running',
    assets: [],
  };
  setHandler(progressQuery, () => result);
  await emitGraphLineage({ eventType: 'START', graph, ...partition });
  let plan;
  try {
    plan = await planGraphRun({ selection, ...partition });
  } catch (err) {
    await emitGraphLineage({ eventType: 'FAIL', graph, error: rootMessage(err), ...partition });
    throw err;
  }
  const maxParallel = Math.max(1, input.maxParallel ?? plan.maxParallel);
  result.assets = plan.steps.map((step) => pendingResult(step, input.partition));
  const byKey = new Map(result.assets.map((asset) => [asset.key, asset]));
  const running = new Map<string, Promise<void>>();

  const materialize = async (step: PlanStep, asset: AssetRunResult): Promise<void> => {
    const started = Date.now();
    asset.status = 'running';
    try {
      const record = await executeChild(materializeAsset, {
        workflowId: asset.workflowId!,
        staticSummary: `materialize ${step.key}${input.partition ? ` [${input.partition}]` : ''}`,
        staticDetails: `Assay run ${info.runId} (${info.workflowId}), selection \`${selection}\``,
        args: [
          {
            key: step.key,
            runId: info.runId,
            graph,
            retry: step.retry,
            ...partition,
          },
        ],
      });
      Object.assign(asset, {
        status: 'materialized',
        rows: record.rows,
        bytes: record.bytes,
        computeMs: record.durationMs,
        path: record.path,
      });
    } catch (err) {
      if (isCancellation(err)) throw err;
      Object.assign(asset, { status: 'failed', error: rootMessage(err) });
    } finally {
      asset.durationMs = Date.now() - started;
    }
  };

  for (;;) {
    for (const step of plan.steps) {
      const asset = byKey.get(step.key)!;
      if (asset.status !== 'pending') continue;
      const blocker = step.waitsFor.map((k) => byKey.get(k)!).find((u) => u.status === 'failed' || u.status === 'skipped');
      if (blocker) {
        asset.status = 'skipped';
        asset.error = `upstream asset '${blocker.key}' ${blocker.status === 'failed' ? 'failed' : 'was skipped'}`;
        continue;
      }
      const ready = step.waitsFor.every((k) => byKey.get(k)!.status === 'materialized');
      if (ready && running.size < maxParallel) {
        running.set(step.key, materialize(step, asset).finally(() => running.delete(step.key)));
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  await cleanupStaging(info.runId);
  result.status = result.assets.every((a) => a.status === 'materialized') ? 'success' : 'failed';
  if (result.status === 'failed') {
    // Failing the run (not just returning a status) shows it as Failed in the Web UI; the details keep every asset.
    const failed = result.assets.filter((a) => a.status === 'failed');
    await emitGraphLineage({ eventType: 'FAIL', graph, error: `${failed.length} asset(s) failed`, ...partition });
    throw ApplicationFailure.create({
      type: GRAPH_RUN_FAILED,
      message: `${failed.length} asset(s) failed: ${failed.map((a) => `${a.key}: ${a.error}`).join('; ')}`,
      nonRetryable: true,
      details: [result],
    });
  }
  await emitGraphLineage({ eventType: 'COMPLETE', graph, ...partition });
  return result;
}

function pendingResult(step: PlanStep, partition: string | undefined): AssetRunResult {
  const { workflowId } = workflowInfo();
  return {
    key: step.key,
    partition: partition ?? null,
    status: 'pending',
    rows: null,
    bytes: null,
    durationMs: null,
    computeMs: null,
    path: null,
    error: null,
    workflowId: `${workflowId}/${step.key}${partition === undefined ? '' : `/${partition}`}`,
  };
}
