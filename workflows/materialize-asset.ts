import { ApplicationFailure, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities, GraphRunRef } from '../activities/index.js';
import type { AssetRetryPolicy } from '../framework/asset.js';
import type { CheckOutcome } from '../framework/check.js';
import type { StagedAsset } from '../framework/compute.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../framework/errors.js';
import type { MaterializationRecord } from '../framework/publish.js';
import { rootMessage } from './failure-message.js';

export interface MaterializeAssetInput {
  key: string;
  partition?: string;
  /** The Assay run id this materialization belongs to (the graph run's Temporal run id). */
  runId: string;
  /** The graph run, for lineage (parent run). */
  graph: GraphRunRef;
  retry?: AssetRetryPolicy;
}

const nonRetryableErrorTypes = [...NON_RETRYABLE_ERROR_TYPES];

// Checking (one DuckDB scan of the staged file, on this worker's disk), publishing (a rename and a small JSON
// file) and lineage (which spools instead of failing) are short and local: local activities skip a round trip
// through the server each. Compute stays a regular activity: it may run long, heartbeats and retries with back-off.
const { checkAsset } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  retry: { maximumAttempts: 2, nonRetryableErrorTypes },
});
const { publishAsset, quarantineAsset } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes },
});
const { emitAssetLineage } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 2 },
});

/** One asset materialization: compute into staging → check its suites → publish atomically (or quarantine). */
export async function materializeAsset(input: MaterializeAssetInput): Promise<MaterializationRecord> {
  const retry = input.retry ?? {};
  // The asset's own retry policy governs its compute: a source returning 503 is retried with back-off,
  // bad SQL or invalid data fails at once.
  const { computeAsset } = proxyActivities<Activities>({
    startToCloseTimeout: '1 hour',
    // computeAsset heartbeats every few seconds while it works, so a worker that dies is noticed in a minute.
    heartbeatTimeout: '1 minute',
    retry: {
      initialInterval: retry.initialInterval ?? '1 second',
      backoffCoefficient: retry.backoffCoefficient ?? 2,
      maximumInterval: retry.maximumInterval ?? '1 minute',
      maximumAttempts: retry.maximumAttempts ?? 3,
      nonRetryableErrorTypes: [...nonRetryableErrorTypes, ...(retry.nonRetryableErrorTypes ?? [])],
    },
  });
  const partition = input.partition === undefined ? {} : { partition: input.partition };
  const lineage = { graph: input.graph, key: input.key, startedAt: workflowInfo().startTime.getTime(), ...partition };
  await emitAssetLineage({ ...lineage, eventType: 'START' });

  let staged: StagedAsset | undefined;
  let checks: CheckOutcome | undefined;
  try {
    staged = await computeAsset({ key: input.key, runId: input.runId, ...partition });
    checks = await checkAsset(staged);
    if (checks.errorFailures > 0) {
      const quarantined = await quarantineAsset(staged);
      throw ApplicationFailure.create({
        type: 'ExpectationFailedError',
        nonRetryable: true,
        message:
          `asset '${input.key}' failed ${checks.errorFailures} error-level expectation(s); the published version ` +
          `is unchanged and the rejected data is in ${quarantined}\n${checks.summary}`,
      });
    }
    const record = await publishAsset(staged, {
      success: checks.result?.success ?? true,
      evaluated: checks.result?.statistics.evaluated_expectations ?? 0,
      failed: checks.errorFailures,
      warnings: checks.warnings,
    });
    await emitAssetLineage({ ...lineage, eventType: 'COMPLETE', output: staged, ...withChecks(checks) });
    return record;
  } catch (err) {
    await emitAssetLineage({
      ...lineage,
      eventType: 'FAIL',
      error: rootMessage(err),
      ...(staged ? { output: staged } : {}),
      ...withChecks(checks),
    });
    throw err;
  }
}

function withChecks(checks: CheckOutcome | undefined) {
  return checks?.result ? { checks: checks.result } : {};
}
