import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { errorFailures, loadSuite, summarizeFailures, validateRelation, warnFailures } from '../expectations/index.js';
import type { Suite, ValidationResult } from '../expectations/index.js';
import type { AssetDefinition } from '../framework/asset.js';
import { checkResultsPath, writeFileAtomic } from './lake.js';

/** A short account of an asset's checks: what the run record and the workflow carry (never the full document). */
export interface CheckSummary {
  success: boolean;
  evaluated: number;
  /** Error-level expectations that failed (the data is not published when > 0). */
  failed: number;
  warnings: number;
  /** Readable lines for every failed expectation (empty when all passed). */
  summary: string;
  /** Where the full results document (Great Expectations' shape) was written. */
  resultsPath: string;
}

export interface CheckOutcome {
  summary: CheckSummary;
  /** The full results, for lineage facets in this process. */
  result: ValidationResult;
}

/**
 * Runs the asset's suites (paths relative to `projectRoot`) against `relation` — the computed table, before
 * anything is written — and records the full results under `metadata/checks/`. Undefined when it has no suites.
 */
export async function checkAsset(
  connection: DuckDBConnection,
  relation: string,
  asset: AssetDefinition,
  where: { home: string; projectRoot: string; runId: string; partition?: string },
): Promise<CheckOutcome | undefined> {
  if (asset.suites.length === 0) return undefined;
  const suites = await Promise.all(asset.suites.map((path) => cachedSuite(resolve(where.projectRoot, path))));
  const result = await validateRelation(connection, relation, suites);
  const resultsPath = checkResultsPath(where.home, asset.key, where.runId, where.partition);
  await writeFileAtomic(resultsPath, JSON.stringify(result, null, 2) + '\n');
  return {
    result,
    summary: {
      success: result.success,
      evaluated: result.statistics.evaluated_expectations,
      failed: errorFailures(result).length,
      warnings: warnFailures(result).length,
      summary: result.success ? '' : summarizeFailures(result),
      resultsPath,
    },
  };
}

const suiteCache = new Map<string, { mtimeMs: number; suite: Promise<Suite> }>();

/** A suite file, parsed and validated once per version of the file (its modification time). */
async function cachedSuite(path: string): Promise<Suite> {
  const mtimeMs = await stat(path).then((s) => s.mtimeMs, () => -1);
  const cached = suiteCache.get(path);
  if (cached && cached.mtimeMs === mtimeMs) return cached.suite;
  const suite = loadSuite(path);
  suiteCache.set(path, { mtimeMs, suite });
  suite.catch(() => suiteCache.delete(path));
  return suite;
}
