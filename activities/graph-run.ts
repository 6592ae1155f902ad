import type { Definitions } from '../framework/definitions.js';
import { planRun, type RunPlan } from '../framework/plan.js';
import { removeStaging } from '../engine/publish.js';
import { assetRunEvent, graphRunEvent, type GraphRunRef, type LineageContext } from '../lineage/assay-events.js';
import type { LineageReporter } from '../lineage/reporter.js';
import { asActivity } from './failure.js';

export interface PlanInput {
  selection: string;
  partition?: string;
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
}

export interface StepFailureInput {
  graph: GraphRunRef;
  key: string;
  partition?: string;
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
      const partition = input.partition === undefined ? {} : { partition: input.partition };
      lineage.report(graphRunEvent(lineageContext, { eventType: 'START', graph: input.graph, ...partition }));
      try {
        const plan = await asActivity(async () => planRun(definitions, input.selection, input.partition, options.maxParallel));
        return { plan, searchAttributes: options.searchAttributes };
      } catch (err) {
        lineage.report(
          graphRunEvent(lineageContext, { eventType: 'FAIL', graph: input.graph, error: (err as Error).message, ...partition }),
        );
        throw err;
      }
    },

    /** Removes the run's staging folder and reports how the run ended. */
    async finishGraphRun(input: FinishInput): Promise<void> {
      await removeStaging(options.home, input.runId);
      const partition = input.partition === undefined ? {} : { partition: input.partition };
      lineage.report(
        graphRunEvent(lineageContext, {
          eventType: input.status === 'success' ? 'COMPLETE' : 'FAIL',
          graph: input.graph,
          ...(input.error ? { error: input.error } : {}),
          ...partition,
        }),
      );
    },

    /** Reports a step that failed without telling (its worker died, it timed out): lineage FAIL. */
    async reportStepFailure(input: StepFailureInput): Promise<void> {
      const partition = input.partition === undefined ? {} : { partition: input.partition };
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
