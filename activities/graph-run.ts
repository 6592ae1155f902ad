import type { Definitions } from '../framework/definitions.js';
import { partitionLabel, planRun, type RunPlan } from '../framework/plan.js';
import { removeStaging } from '../engine/publish.js';
import { readRunRecord, writeRunRecord, writeStepRecord, type RunRecord, type RunStatus } from '../engine/run-records.js';
import { assetRunEvent, graphRunEvent, type GraphRunRef, type LineageContext } from '../lineage/assay-events.js';
import type { LineageReporter } from '../lineage/reporter.js';
import { asActivity } from './failure.js';


export interface PlanInput {
  selection: string;
  partition?: string;
  /** Every partition from `from` to `to`. */
  range?: { from: string; to: string };
  /** A scheduled run's nominal time (epoch ms): it decides the partitions. */
  nominalTime?: number;
  graph: GraphRunRef;
}

export interface PlannedRun {
  plan: RunPlan;
  /** Whether the namespace has Assay's search attributes (`AssayAssets`, `AssayPartitions`) to set on the run. */
  searchAttributes: boolean;
}

export interface FinishInput {
  graph: GraphRunRef;
  runId: string;
  status: 'success' | 'failed';
  error?: string;
  partition?: string;
  nominalTime?: number;
  /** Steps skipped because an upstream step failed: recorded in the run history (no activity ran for them). */
  skipped?: { step: string; asset: string; partition: string | null; error: string | null }[];
}

export interface StepFailureInput {
  graph: GraphRunRef;
  /** The step's activity id. */
  step: string;
  key: string;
  partitions?: string[];
  scheduledAt: number;
  error: string;
}

export interface GraphRunActivityOptions {
  home: string;
  maxParallel: number;
  searchAttributes: boolean;
}

/** The graph run's own steps: plan it (and report its start), finish it (clean up, report its end). */
export function createGraphRunActivities(
  definitions: Definitions,
  options: GraphRunActivityOptions,
  lineage: LineageReporter,
  lineageContext: LineageContext,
) {
  return {
    /** Resolves the selection against the asset graph; planning reads definitions, so it is an activity. */
    async planGraphRun(input: PlanInput): Promise<PlannedRun> {
      const facts = {
        graph: input.graph,
        ...(input.partition === undefined ? {} : { partition: input.partition }),
        ...(input.nominalTime === undefined ? {} : { nominalTime: input.nominalTime }),
      };
      await lineage.report(graphRunEvent(lineageContext, { eventType: 'START', ...facts }));
      await startRunRecord(options.home, {
        graph: input.graph,
        kind: 'graph',
        selection: input.selection,
        partition: input.partition ?? (input.range ? `${input.range.from}..${input.range.to}` : null),
      });
      try {
        const plan = await asActivity(async () =>
          planRun(definitions, {
            selection: input.selection,
            ...(input.partition === undefined ? {} : { partition: input.partition }),
            ...(input.range ? { range: input.range } : {}),
            ...(input.nominalTime === undefined ? {} : { nominalTime: new Date(input.nominalTime) }),
            maxParallel: options.maxParallel,
          }),
        );
        return { plan, searchAttributes: options.searchAttributes };
      } catch (err) {
        await lineage.report(graphRunEvent(lineageContext, { eventType: 'FAIL', error: (err as Error).message, ...facts }));
        await endRunRecord(options.home, input.graph, 'failed', (err as Error).message);
        throw err;
      }
    },

    /** Removes the run's staging folder and reports how the run ended. */
    async finishGraphRun(input: FinishInput): Promise<void> {
      await removeStaging(options.home, input.runId);
      for (const skipped of input.skipped ?? []) {
        await writeStepRecord(options.home, {
          runId: input.runId,
          workflowId: input.graph.workflowId,
          step: skipped.step,
          asset: skipped.asset,
          partition: skipped.partition,
          status: 'skipped',
          attempt: 0,
          startedAt: new Date().toISOString(),
          finishedAt: null,
          durationMs: null,
          rows: null,
          error: skipped.error,
          worker: '',
        });
      }
      await endRunRecord(options.home, input.graph, input.status === 'success' ? 'completed' : 'failed', input.error ?? null);
      await lineage.report(
        graphRunEvent(lineageContext, {
          eventType: input.status === 'success' ? 'COMPLETE' : 'FAIL',
          graph: input.graph,
          ...(input.error ? { error: input.error } : {}),
          ...(input.partition === undefined ? {} : { partition: input.partition }),
          ...(input.nominalTime === undefined ? {} : { nominalTime: input.nominalTime }),
        }),
      );
    },

    /** Reports a step that failed without telling (its worker died, it timed out): lineage FAIL. */
    async reportStepFailure(input: StepFailureInput): Promise<void> {
      const label = partitionLabel(input.partitions ?? []);
      const partition = label === null ? {} : { partition: label };
      await writeStepRecord(options.home, {
        runId: input.graph.temporalRunId,
        workflowId: input.graph.workflowId,
        step: input.step,
        asset: input.key,
        partition: label,
        status: 'failed',
        attempt: 0,
        startedAt: new Date(input.scheduledAt).toISOString(),
        finishedAt: new Date().toISOString(),
        durationMs: Date.now() - input.scheduledAt,
        rows: null,
        error: input.error,
        worker: '',
      });
      await lineage.report(
        assetRunEvent(lineageContext, {
          eventType: 'FAIL',
          graph: input.graph,
          key: input.key,
          startedAt: input.scheduledAt,
          error: input.error,
          ...partition,
        }),
      );
    },
  };
}

/** Records a run's start (graph run or backfill), keyed by its Assay run id. */
export async function startRunRecord(
  home: string,
  run: { graph: GraphRunRef; kind: RunRecord['kind']; selection: string; partition: string | null },
): Promise<void> {
  await writeRunRecord(home, {
    runId: run.graph.temporalRunId,
    workflowId: run.graph.workflowId,
    kind: run.kind,
    selection: run.selection,
    partition: run.partition,
    status: 'running',
    startedAt: new Date(run.graph.startedAt).toISOString(),
    finishedAt: null,
    durationMs: null,
    error: null,
  });
}

async function endRunRecord(home: string, graph: GraphRunRef, status: RunStatus, error: string | null): Promise<void> {
  const started = await readRunRecord(home, graph.temporalRunId);
  const now = Date.now();
  await writeRunRecord(home, {
    ...(started ?? {
      runId: graph.temporalRunId,
      workflowId: graph.workflowId,
      kind: 'graph',
      selection: '',
      partition: null,
      startedAt: new Date(graph.startedAt).toISOString(),
    }),
    status,
    finishedAt: new Date(now).toISOString(),
    durationMs: now - graph.startedAt,
    error,
  });
}
