import type { Definitions } from '../framework/definitions.js';
import { planRun, type RunPlan } from '../framework/plan.js';
import { asActivity } from './failure.js';

export interface PlanInput {
  selection: string;
  partition?: string;
}

export function createPlanActivities(definitions: Definitions, maxParallel: number) {
  return {
    /** Resolves the selection against the asset graph: planning reads definitions, so it is an activity. */
    async planGraphRun(input: PlanInput): Promise<RunPlan> {
      return asActivity(async () => planRun(definitions, input.selection, input.partition, maxParallel));
    },
  };
}
