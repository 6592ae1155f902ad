import type { AssetConfig, AssetDefinition } from './asset.js';
import { AssetDefinitionError } from './errors.js';
import { AssetGraph } from './graph.js';
import type { ScheduleDefinition } from './schedules.js';
import { resolveSelection } from './selection.js';

/** Sample sources a project may start for local runs (`npm start`, `--embedded`), e.g. a simulated API. */
export interface DevSources {
  /**
   * Starts the samples, given the loaded configuration, unless the configuration already points at real
   * sources. Returns environment values that point the worker at them, lines to print, and how to stop them.
   */
  start(config: AssetConfig): Promise<StartedDevSources>;
}

export interface StartedDevSources {
  /** Added to the worker's configuration (`ctx.config.env`). */
  readonly env: Readonly<Record<string, string>>;
  /** `[label, value]` lines for the "where to look" summary. */
  readonly describe: readonly (readonly [string, string])[];
  /** The partitions the samples have data for: what a local run materializes. */
  readonly range?: { readonly from: string; readonly to: string };
  stop(): Promise<void>;
}

/** Everything the worker and the CLI load: the assets and the graph they form. */
export interface Definitions {
  /** The project's name: the graph run's job name in lineage (asset jobs are `<name>.<asset key>`). */
  readonly name: string;
  readonly assets: readonly AssetDefinition[];
  readonly graph: AssetGraph;
  /** Sample sources for local runs; only the sample project has them. */
  readonly devSources?: DevSources;
  /** Temporal Schedules of the project (`assay schedules apply`). */
  readonly schedules: readonly ScheduleDefinition[];
}

/** Groups assets into one definitions object; the graph is checked here (duplicates, unknown deps, cycles). */
export function defineDefinitions(spec: {
  name?: string;
  assets: readonly AssetDefinition[];
  devSources?: DevSources;
  schedules?: readonly ScheduleDefinition[];
}): Definitions {
  const graph = AssetGraph.build(spec.assets);
  const schedules = spec.schedules ?? [];
  const names = new Set<string>();
  for (const schedule of schedules) {
    if (names.has(schedule.name)) throw new AssetDefinitionError(`two schedules are named '${schedule.name}'`);
    names.add(schedule.name);
    resolveSelection(graph, schedule.selection);
  }
  return {
    name: spec.name ?? 'assay',
    assets: spec.assets,
    graph,
    schedules,
    ...(spec.devSources ? { devSources: spec.devSources } : {}),
  };
}
