/** Building the results document, and reading failures out of it by severity. */
import { ExpectationFailedError } from '../framework/errors.js';
import type { Outcome } from './checks/check.js';
import { summarizeFailures } from './summary.js';
import type { Expectation, ExpectationResult, Suite, ValidationMeta, ValidationResult } from './types.js';

export interface EvaluatedExpectation {
  readonly suite: Suite;
  readonly expectation: Expectation;
  readonly outcome: Outcome;
}

export function buildValidationResult(evaluated: readonly EvaluatedExpectation[], meta: ValidationMeta): ValidationResult {
  const results = evaluated.map(({ suite, expectation, outcome }): ExpectationResult => ({
    success: outcome.success,
    expectation_config: {
      type: expectation.declaredType,
      kwargs: { ...expectation.kwargs },
      meta: { ...expectation.meta },
      ...(expectation.id === undefined ? {} : { id: expectation.id }),
    },
    result: outcome.result,
    severity: expectation.severity,
    suite_name: suite.name,
  }));
  const successful = results.filter((r) => r.success).length;
  return {
    success: successful === results.length,
    statistics: {
      evaluated_expectations: results.length,
      successful_expectations: successful,
      unsuccessful_expectations: results.length - successful,
      success_percent: results.length === 0 ? null : (successful / results.length) * 100,
    },
    results,
    meta,
  };
}

/** Failed expectations of severity `error`: any of them means the data must not be published. */
export function errorFailures(result: ValidationResult): ExpectationResult[] {
  return result.results.filter((r) => !r.success && r.severity === 'error');
}

/** Failed expectations of severity `warn`: reported, not blocking. */
export function warnFailures(result: ValidationResult): ExpectationResult[] {
  return result.results.filter((r) => !r.success && r.severity === 'warn');
}

/** Throws `ExpectationFailedError` (message: `summarizeFailures`) when an error-severity expectation failed. */
export function assertNoErrorFailures(result: ValidationResult): void {
  if (errorFailures(result).length > 0) throw new ExpectationFailedError(summarizeFailures(result));
}
