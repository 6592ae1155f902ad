import { pathToFileURL } from 'node:url';
import type { Definitions } from '../framework/definitions.js';
import { AssetDefinitionError } from '../framework/errors.js';
import { AssetGraph } from '../framework/graph.js';
import { checkDefinitionsSql } from './sql-text.js';

/** Imports the definitions module (its default export), reads its SQL files and checks their refs. */
export async function loadDefinitions(modulePath: string): Promise<Definitions> {
  const module = (await import(pathToFileURL(modulePath).href)) as { default?: Definitions };
  const definitions = module.default;
  if (!definitions || !(definitions.graph instanceof AssetGraph)) {
    throw new AssetDefinitionError(`${modulePath} must export default defineDefinitions({ assets: [...] })`);
  }
  checkDefinitionsSql(definitions);
  return definitions;
}
