/**
 * Assay's expectations engine: Great Expectations suites, unchanged (legacy 0.x or GX 1.x JSON), evaluated by
 * DuckDB in one aggregate scan (plus one follow-up query only when unexpected values or exact duplicate
 * counts are needed), with results in GX's document shape. Expectations of severity `error` block publication.
 *
 * ```ts
 * import { loadSuite, validateRelation, errorFailures, summarizeFailures } from './expectations/index.js';
 *
 * const suite = await loadSuite('expectations/suites/stg_nightscout_glucose.json');
 * const result = await validateRelation(connection, "read_parquet('staging/data.parquet')", [suite]);
 * if (errorFailures(result).length > 0) throw new ExpectationFailedError(summarizeFailures(result));
 * // or, for a file: await validateFile('stg.parquet', ['expectations/suites/stg_nightscout_glucose.json'])
 * ```
 */
export { loadSuite, parseSuite } from './load.js';
export { validateFile, validateRelation } from './run.js';
export type { ValidateOptions } from './run.js';
export { assertNoErrorFailures, errorFailures, warnFailures } from './results.js';
export { summarizeFailures } from './summary.js';
export { assertValidResults, RESULTS_SCHEMA, SUITE_SCHEMA } from './schemas.js';
export { EXPECTATION_TYPES, isExpectationType } from './catalog.js';
export type { ExpectationType } from './catalog.js';
export type {
  Expectation,
  ExpectationConfig,
  ExpectationLocation,
  ExpectationResult,
  ExpectationResultDetails,
  Severity,
  Suite,
  SuiteFormat,
  ValidationMeta,
  ValidationResult,
  ValidationStatistics,
} from './types.js';
