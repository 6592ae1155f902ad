import {
  ApplicationFailure,
  continueAsNew,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, BackfillReport, PartitionReport } from '../activities/index.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../framework/errors.js';
import type { PlanStep } from '../framework/plan.js';
import { skippedSteps } from './graph-run.js';
import { pendingResult, runSteps } from './run-steps.js';
import {
  ASSAY_ASSETS,
  ASSAY_PARTITIONS,
  backfillProgressQuery,
  type AssetRunResult,
  type BackfillInput,
  type BackfillProgress,
} from './shared.js';

// Planning and recording are short and local: local activities. A bad range or selection is final.
const { planBackfill, planBackfillChunk, recordBackfill, finishGraphRun } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

/** Continue as new before the history grows near Temporal's limits (50k events / 50 MB warn far above this). */
const MAX_HISTORY_EVENTS = 10_000;

/**
 * Materializes every partition from `from` to `to` of a selection, chunk by chunk (a chunk in dependency order with
 * at most `concurrency` assets at once), then its unpartitioned assets once. Durable like any workflow: a worker or
 * server restart resumes where it was, without redoing a finished step. It continues as new between chunks when its
 * history grows long, carrying its report. Its result (and `metadata/backfills/<id>.json`) is the per-partition report.
 */
export async function backfill(input: BackfillInput): Promise<BackfillReport> {
  const info = workflowInfo();
  if (typeof input !== 'object' || input === null || !input.from || !input.to) {
    throw ApplicationFailure.nonRetryable(
      `backfill takes an object such as {"selection": "group:nightscout", "from": "2024-01-01", "to": "2024-12-31"}, got ${JSON.stringify(input)}`,
      'InvalidInput',
    );
  }
  const selection = input.selection?.trim() || '*';
  const state = input.state ?? { nextChunk: 0, partitions: [], startedAt: info.startTime.getTime(), firstRunId: info.runId };
  // The lineage run and the staging folder of a backfill are those of its first run, across continue-as-new.
  const graph = { workflowId: info.workflowId, temporalRunId: state.firstRunId, startedAt: state.startedAt };
  const planned = await planBackfill({ selection, from: input.from, to: input.to, graph, first: input.state === undefined });
  const progress: BackfillProgress = {
    workflowId: info.workflowId,
    selection,
    from: input.from,
    to: input.to,
    chunks: planned.chunks.length,
    chunk: state.nextChunk,
    partitions: planned.chunks.reduce((n, c) => n + c.keys, 0),
    done: state.partitions.filter((p) => p.status === 'materialized').length,
    failed: state.partitions.filter((p) => p.status !== 'materialized').length,
    status: 'running',
    running: [],
  };
  setHandler(backfillProgressQuery, () => progress);
  if (planned.searchAttributes && input.state === undefined) {
    const first = planned.chunks[0]!.from;
    const last = planned.chunks[planned.chunks.length - 1]!.to;
    upsertSearchAttributes([{ key: ASSAY_PARTITIONS, value: first === last ? [first] : [first, last] }]);
  }

  const concurrency = Math.max(1, input.concurrency ?? 4);
  /** Steps skipped in this run of the workflow (earlier runs recorded theirs in the partitions' reports). */
  const skipped: AssetRunResult[] = [];
  const options = { runId: state.firstRunId, graph, maxParallel: concurrency };
  for (let index = state.nextChunk; index < planned.chunks.length; index++) {
    const chunk = planned.chunks[index]!;
    progress.chunk = index;
    const plan = await planBackfillChunk({ selection, range: { from: chunk.from, to: chunk.to }, only: 'partitioned' });
    if (index === 0 && planned.searchAttributes && input.state === undefined) {
      upsertSearchAttributes([{ key: ASSAY_ASSETS, value: [...new Set(plan.steps.map((s) => s.key))] }]);
    }
    const results = pendingResults(plan.steps);
    progress.running = [...results.values()];
    await runSteps(plan.steps, results, options);
    skipped.push(...[...results.values()].filter((r) => r.status === 'skipped'));
    const reports = partitionReports(plan.steps, results);
    state.partitions.push(...reports);
    progress.done += reports.filter((p) => p.status === 'materialized').length;
    progress.failed += reports.filter((p) => p.status !== 'materialized').length;
    state.nextChunk = index + 1;
    if (index + 1 < planned.chunks.length && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS)) {
      await continueAsNew<typeof backfill>({ ...input, state });
    }
  }

  let unpartitioned: AssetRunResult[] = [];
  if (planned.unpartitioned) {
    const plan = await planBackfillChunk({ selection, only: 'unpartitioned' });
    const results = pendingResults(plan.steps);
    progress.running = [...results.values()];
    // They read every partition: run them only if every partition materialized.
    if (state.partitions.every((p) => p.status === 'materialized')) await runSteps(plan.steps, results, options);
    else for (const r of results.values()) Object.assign(r, { status: 'skipped', error: 'a partition of the backfill did not materialize' });
    unpartitioned = [...results.values()];
  }
  progress.running = [];
  const failed = state.partitions.some((p) => p.status !== 'materialized') || unpartitioned.some((a) => a.status !== 'materialized');
  progress.status = failed ? 'failed' : 'success';
  const report: BackfillReport = {
    workflowId: info.workflowId,
    runId: state.firstRunId,
    selection,
    from: input.from,
    to: input.to,
    status: progress.status,
    partitions: state.partitions,
    unpartitioned: unpartitioned.map((a) => ({ key: a.key, status: a.status, error: a.error })),
    startedAt: new Date(state.startedAt).toISOString(),
    finishedAt: new Date(Date.now()).toISOString(),
  };
  await recordBackfill(report);
  const bad = state.partitions.filter((p) => p.status !== 'materialized').length;
  await finishGraphRun({
    graph,
    runId: state.firstRunId,
    status: progress.status,
    ...(failed ? { error: `${bad} partition(s) did not materialize` } : {}),
    skipped: skippedSteps([...skipped, ...unpartitioned]),
  });
  if (failed) {
    throw ApplicationFailure.create({
      type: 'BackfillFailed',
      message: `${bad} of ${state.partitions.length} partition(s) did not materialize` +
        (unpartitioned.some((a) => a.status !== 'materialized') ? ', nor every unpartitioned asset' : ''),
      nonRetryable: true,
      details: [report],
    });
  }
  return report;
}

function pendingResults(steps: readonly PlanStep[]): Map<string, AssetRunResult> {
  return new Map(steps.map((step) => [step.id, pendingResult(step)]));
}

/** One line per partition: failed if a step covering it failed, skipped if one was skipped, else materialized. */
function partitionReports(steps: readonly PlanStep[], results: ReadonlyMap<string, AssetRunResult>): PartitionReport[] {
  const byPartition = new Map<string, PartitionReport>();
  for (const step of steps) {
    const result = results.get(step.id)!;
    const rowsByPartition = result.partitionRows;
    for (const partition of step.partitions ?? []) {
      const line = byPartition.get(partition) ?? { partition, status: 'materialized', materialized: 0, rows: 0, errors: [] };
      if (result.status === 'materialized') {
        line.materialized++;
        const rows = rowsByPartition ? rowsByPartition[partition] : step.partitions!.length === 1 ? result.rows : null;
        line.rows = line.rows === null || rows === null || rows === undefined ? null : line.rows + rows;
      } else {
        if (result.status === 'failed' || line.status === 'materialized') line.status = result.status === 'failed' ? 'failed' : 'skipped';
        if (result.error) line.errors.push(`${result.key}: ${result.error}`);
      }
      byPartition.set(partition, line);
    }
  }
  return [...byPartition.values()].sort((a, b) => (a.partition < b.partition ? -1 : 1));
}
