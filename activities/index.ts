/**
 * The worker's activities, built once from the loaded definitions:
 *
 * ```ts
 * const activities = createActivities({ definitions, home: assayHome() });
 * await Worker.create({ activities, workflowsPath, taskQueue });
 * ```
 */
import type { Definitions } from '../framework/definitions.js';
import { createMaterializeActivities } from './materialize.js';
import { createPlanActivities } from './plan.js';

export interface ActivityDependencies {
  definitions: Definitions;
  /** `ASSAY_HOME`, absolute. */
  home: string;
}

export function createActivities({ definitions, home }: ActivityDependencies) {
  return {
    ...createPlanActivities(definitions),
    ...createMaterializeActivities(definitions, home),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { AssetRunInput } from './materialize.js';
export type { PlanInput } from './plan.js';
