import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { AssetRetryPolicy } from '../framework/asset.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../framework/errors.js';
import type { MaterializationRecord } from '../framework/publish.js';

export interface MaterializeAssetInput {
  key: string;
  partition?: string;
  /** The Assay run id this materialization belongs to. */
  runId: string;
  retry?: AssetRetryPolicy;
}

// Moving files and writing metadata is local and quick; a few tries cover a busy disk.
const { publishAsset } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

/** One asset materialization: compute into staging, then publish atomically. */
export async function materializeAsset(input: MaterializeAssetInput): Promise<MaterializationRecord> {
  const retry = input.retry ?? {};
  // The asset's own retry policy governs its compute: a source returning 503 is retried with back-off,
  // bad SQL or invalid data fails at once.
  const { computeAsset } = proxyActivities<Activities>({
    startToCloseTimeout: '1 hour',
    retry: {
      initialInterval: retry.initialInterval ?? '1 second',
      backoffCoefficient: retry.backoffCoefficient ?? 2,
      maximumInterval: retry.maximumInterval ?? '1 minute',
      maximumAttempts: retry.maximumAttempts ?? 3,
      nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES, ...(retry.nonRetryableErrorTypes ?? [])],
    },
  });
  const run = { key: input.key, runId: input.runId, ...(input.partition === undefined ? {} : { partition: input.partition }) };
  const staged = await computeAsset(run);
  return publishAsset(staged);
}
