import { ApplicationFailure, executeChild, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
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

const DEFAULT_MAX_PARALLEL = 4;

/**
 * Materializes a selection of assets: one child workflow per asset, in dependency order, independent assets in
 * parallel (bounded). An asset that fails marks everything downstream of it `skipped`; other branches finish.
 */
export async function graphRun(input: GraphRunInput = {}): Promise<GraphRunResult> {
  const info = workflowInfo();
  const selection = input.selection?.trim() || '*';
  const plan = await planGraphRun({
    selection,
    ...(input.partition === undefined ? {} : { partition: input.partition }),
  });
  const maxParallel = Math.max(1, input.maxParallel ?? DEFAULT_MAX_PARALLEL);
  const result: GraphRunResult = {
    runId: info.runId,
    workflowId: info.workflowId,
    selection,
    partition: input.partition ?? null,
    status: 'running',
    assets: plan.steps.map((step) => pendingResult(step, input.partition)),
  };
  setHandler(progressQuery, () => result);
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
            retry: step.retry,
            ...(input.partition === undefined ? {} : { partition: input.partition }),
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

  result.status = result.assets.every((a) => a.status === 'materialized') ? 'success' : 'failed';
  if (result.status === 'failed') {
    // Failing the run (not just returning a status) shows it as Failed in the Web UI; the details keep every asset.
    const failed = result.assets.filter((a) => a.status === 'failed');
    throw ApplicationFailure.create({
      type: GRAPH_RUN_FAILED,
      message: `${failed.length} asset(s) failed: ${failed.map((a) => `${a.key}: ${a.error}`).join('; ')}`,
      nonRetryable: true,
      details: [result],
    });
  }
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
