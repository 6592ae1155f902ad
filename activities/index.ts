/**
 * The worker's activities, built once from the loaded definitions and configuration:
 *
 * ```ts
 * const activities = createActivities({ definitions, config: loadAssayConfig() });
 * await Worker.create({ activities, workflowsPath, taskQueue });
 * ```
 */
import type { AssayConfig } from '../assay.config.js';
import type { Definitions } from '../framework/definitions.js';
import type { EngineConfig } from '../engine/materialize.js';
import { checkDefinitionsSql } from '../engine/sql-text.js';
import type { LineageContext } from '../lineage/assay-events.js';
import { createLineageReporter, type LineageReporter } from '../lineage/reporter.js';
import { createBackfillActivities } from './backfill.js';
import { createGraphRunActivities } from './graph-run.js';
import { createMaterializeStep } from './materialize-step.js';

export interface ActivityDependencies {
  definitions: Definitions;
  config: Pick<AssayConfig, 'home' | 'projectRoot' | 'env' | 'settings' | 'settingsFile' | 'lineage' | 'temporal'>;
  /** Where lineage goes; by default a reporter for `config.lineage`. */
  lineage?: LineageReporter;
  /** Whether the namespace has Assay's search attributes (checked by the worker at start). */
  searchAttributes?: boolean;
}

export function createActivities({ definitions, config, lineage, searchAttributes = false }: ActivityDependencies) {
  checkDefinitionsSql(definitions);
  const reporter = lineage ?? createLineageReporter(config.lineage);
  const engine: EngineConfig = {
    home: config.home,
    projectRoot: config.projectRoot,
    env: config.env,
    settings: config.settings,
    settingsFile: config.settingsFile,
  };
  const lineageContext: LineageContext = { definitions, home: config.home, namespace: config.lineage.namespace };
  return {
    ...createGraphRunActivities(
      definitions,
      { home: config.home, maxParallel: config.temporal.maxParallelAssets, searchAttributes },
      reporter,
      lineageContext,
    ),
    ...createMaterializeStep(definitions, engine, reporter, lineageContext),
    ...createBackfillActivities(definitions, { home: config.home, searchAttributes }, reporter, lineageContext),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { FinishInput, PlanInput, PlannedRun, StepFailureInput } from './graph-run.js';
export type { BackfillChunkInput, BackfillPlanInput, BackfillReport, PartitionReport, PlannedBackfill } from './backfill.js';
export type { StepInput, StepResult } from './materialize-step.js';
export type { GraphRunRef } from '../lineage/assay-events.js';
