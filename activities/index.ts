/**
 * The worker's activities, built once from the loaded definitions:
 *
 * ```ts
 * const activities = createActivities({ definitions, home: assayHome() });
 * await Worker.create({ activities, workflowsPath, taskQueue });
 * ```
 */
import type { Definitions } from '../framework/definitions.js';
import type { LineageEmitter } from '../lineage/index.js';
import { createLineageActivities } from './lineage.js';
import { createMaterializeActivities } from './materialize.js';
import { createPlanActivities } from './plan.js';

export interface ActivityDependencies {
  definitions: Definitions;
  /** `ASSAY_HOME`, absolute. */
  home: string;
  /** Where lineage goes; by default from `OPENLINEAGE_*` / `openlineage.yml`, else a JSON-lines file in ASSAY_HOME. */
  lineage?: LineageEmitter;
  /** Default for how many asset workflows a graph run starts at once (`ASSAY_MAX_PARALLEL`). */
  maxParallelAssets?: number;
}

export function createActivities({ definitions, home, lineage, maxParallelAssets = 4 }: ActivityDependencies) {
  return {
    ...createPlanActivities(definitions, maxParallelAssets),
    ...createMaterializeActivities(definitions, home),
    ...createLineageActivities(definitions, home, lineage),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { AssetRunInput } from './materialize.js';
export type { PlanInput } from './plan.js';
export type { AssetEventInput, GraphEventInput, GraphRunRef } from './lineage.js';
