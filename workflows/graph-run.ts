import {
  ApplicationFailure,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../framework/errors.js';
import { pendingResult, runSteps } from './run-steps.js';
import {
  ASSAY_ASSETS,
  ASSAY_PARTITIONS,
  GRAPH_RUN_FAILED,
  progressQuery,
  SCHEDULED_START_TIME,
  type AssetRunResult,
  type GraphRunInput,
  type GraphRunResult,
} from './shared.js';

// Planning reads the loaded definitions and finishing removes a folder: short and local, so local activities (no
// round trip through the server). A bad selection is final.
const { planGraphRun, finishGraphRun } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

/**
 * Materializes a selection of assets: one activity per asset, in dependency order, independent assets in
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
  const scheduledAt = info.typedSearchAttributes.get(SCHEDULED_START_TIME);
  const nominal = scheduledAt === undefined ? {} : { nominalTime: scheduledAt.getTime() };
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

  const { plan, searchAttributes } = await planGraphRun({
    selection,
    graph,
    ...partition,
    ...(input.range ? { range: input.range } : {}),
    ...nominal,
  });
  if (searchAttributes) {
    const partitions = [...new Set(plan.steps.flatMap((s) => s.partitions ?? []))];
    upsertSearchAttributes([
      { key: ASSAY_ASSETS, value: [...new Set(plan.steps.map((s) => s.key))] },
      // A keyword list holds a bounded number of values; a long range is found by its first and last partitions.
      { key: ASSAY_PARTITIONS, value: partitions.length <= 100 ? partitions : [partitions[0]!, partitions[partitions.length - 1]!] },
    ]);
  }
  result.assets = plan.steps.map(pendingResult);
  const results = new Map(plan.steps.map((step, i) => [step.id, result.assets[i]!]));
  await runSteps(plan.steps, results, {
    runId: info.runId,
    graph,
    maxParallel: Math.max(1, input.maxParallel ?? plan.maxParallel),
  });

  result.status = result.assets.every((a) => a.status === 'materialized') ? 'success' : 'failed';
  const failed = result.assets.filter((a) => a.status === 'failed');
  const error = `${failed.length} asset(s) failed: ${failed.map((a) => `${a.activityId}: ${a.error}`).join('; ')}`;
  await finishGraphRun({
    graph,
    runId: info.runId,
    status: result.status,
    ...(result.status === 'failed' ? { error: `${failed.length} asset(s) failed` } : {}),
    ...partition,
    ...nominal,
    skipped: skippedSteps(result.assets),
  });
  if (result.status === 'failed') {
    // Failing the run (not just returning a status) shows it as Failed in the Web UI; the details keep every asset.
    throw ApplicationFailure.create({ type: GRAPH_RUN_FAILED, message: error, nonRetryable: true, details: [result] });
  }
  return result;
}

/** The steps skipped for a failure upstream, for the run history. */
export function skippedSteps(assets: readonly AssetRunResult[]) {
  return assets
    .filter((a) => a.status === 'skipped')
    .map((a) => ({ step: a.activityId, asset: a.key, partition: a.partition, error: a.error }));
}
