import type { Definitions } from '../framework/definitions.js';
import { planRun, type RunPlan } from '../framework/plan.js';
import { removeStaging } from '../engine/publish.js';
import { assetRunEvent, graphRunEvent, type GraphRunRef, type LineageContext } from '../lineage/assay-events.js';
import type { LineageReporter } from '../lineage/reporter.js';
import { asActivity } from './failure.js';
import { partitionLabel } from './materialize-step.js';

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
}

export interface StepFailureInput {
  graph: GraphRunRef;
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
      lineage.report(graphRunEvent(lineageContext, { eventType: 'START', ...facts }));
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
        lineage.report(graphRunEvent(lineageContext, { eventType: 'FAIL', error: (err as Error).message, ...facts }));
        throw err;
      }
    },

    /** Removes the run's staging folder and reports how the run ended. */
    async finishGraphRun(input: FinishInput): Promise<void> {
      await removeStaging(options.home, input.runId);
      lineage.report(
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
      lineage.report(
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
