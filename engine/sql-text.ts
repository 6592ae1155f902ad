import { readFileSync } from 'node:fs';
import type { AssetDefinition, SqlCompute } from '../framework/asset.js';
import type { Definitions } from '../framework/definitions.js';
import { AssetDefinitionError } from '../framework/errors.js';
import { checkSqlRefs } from '../framework/sql-refs.js';

const files = new Map<string, string>();

/** The SQL of a SQL compute as written: inline, or its file's content (read once per process). */
export function sqlText(compute: SqlCompute): string {
  if (compute.sql !== undefined) return compute.sql;
  const file = compute.file!;
  let text = files.get(file);
  if (text === undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new AssetDefinitionError(`cannot read SQL file ${file}: ${(err as Error).message}`, { cause: err });
    }
    files.set(file, text);
  }
  return text;
}

/** Reads every SQL file of the definitions and checks that each `{{ ref() }}` names one of the asset's deps. */
export function checkDefinitionsSql(definitions: Definitions): void {
  for (const asset of definitions.assets) {
    if (asset.compute.kind === 'sql') checkSqlRefs(asset, definitions.graph.keys, sqlText(asset.compute));
  }
}

/** The asset's SQL as written, trimmed, without a final `;`; undefined for a TypeScript asset. */
export function declaredSql(asset: AssetDefinition): string | undefined {
  return asset.compute.kind === 'sql' ? sqlText(asset.compute).trim().replace(/;\s*$/, '') : undefined;
}
