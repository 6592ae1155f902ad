import { resolve } from 'node:path';
import { loadSuite, validateRelation, errorFailures, warnFailures, summarizeFailures } from '../expectations/index.js';
import type { ValidationResult } from '../expectations/index.js';
import type { StagedAsset } from './compute.js';
import type { Definitions } from './definitions.js';
import { readParquet, withConnection } from './duckdb.js';
import { checkResultsPath, writeFileAtomic } from './lake.js';

/** The outcome of an asset's expectation suites on its staged data (write → audit → publish). */
export interface CheckOutcome {
  /** Null when the asset has no suites. */
  result: ValidationResult | null;
  errorFailures: number;
  warnings: number;
  /** Readable lines for every failed expectation (empty when all passed). */
  summary: string;
  /** Where the full results document was written. */
  resultsPath: string | null;
}

/** Runs the asset's suites (paths relative to the project root) against its staged data and records the results. */
export async function checkStaged(definitions: Definitions, home: string, staged: StagedAsset): Promise<CheckOutcome> {
  const asset = definitions.graph.get(staged.key);
  if (asset.suites.length === 0) {
    return { result: null, errorFailures: 0, warnings: 0, summary: '', resultsPath: null };
  }
  const suites = await Promise.all(asset.suites.map((path) => loadSuite(resolve(path))));
  const result = await withConnection((connection) =>
    validateRelation(connection, readParquet(staged.stagingPath), suites),
  );
  const resultsPath = checkResultsPath(home, staged.key, staged.runId, staged.partition);
  await writeFileAtomic(resultsPath, JSON.stringify(result, null, 2) + '\n');
  return {
    result,
    errorFailures: errorFailures(result).length,
    warnings: warnFailures(result).length,
    summary: result.success ? '' : summarizeFailures(result),
    resultsPath,
  };
}
