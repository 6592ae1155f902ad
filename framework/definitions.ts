import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AssetDefinition } from './asset.js';
import { AssetDefinitionError } from './errors.js';
import { AssetGraph } from './graph.js';

/** Everything the worker and the CLI load: the assets and the graph they form. */
export interface Definitions {
  /** The project's name: the graph run's job name in lineage (asset jobs are `<name>.<asset key>`). */
  readonly name: string;
  readonly assets: readonly AssetDefinition[];
  readonly graph: AssetGraph;
}

/** Groups assets into one definitions object; the graph is checked here (duplicates, unknown deps, cycles). */
export function defineDefinitions(spec: { name?: string; assets: readonly AssetDefinition[] }): Definitions {
  return { name: spec.name ?? 'assay', assets: spec.assets, graph: AssetGraph.build(spec.assets) };
}

export const DEFAULT_DEFINITIONS_MODULE = 'assets/definitions.ts';

/** Imports the module named by `ASSAY_DEFINITIONS` (default `assets/definitions.ts`) and returns its default export. */
export async function loadDefinitions(
  modulePath: string = process.env.ASSAY_DEFINITIONS ?? DEFAULT_DEFINITIONS_MODULE,
): Promise<Definitions> {
  const absolute = resolve(modulePath);
  const module = (await import(pathToFileURL(absolute).href)) as { default?: Definitions };
  const definitions = module.default;
  if (!definitions || !(definitions.graph instanceof AssetGraph)) {
    throw new AssetDefinitionError(
      `${absolute} must export default defineDefinitions({ assets: [...] })`,
    );
  }
  return definitions;
}
