/**
 * Failures as readable lines, errors first:
 *
 * ```text
 * 2 of 15 expectations failed on read_parquet('stg.parquet') (1 error, 1 warn):
 *   ERROR expect_column_values_to_be_between [sgv_mg_dl] (stg_nightscout_glucose): 3 of 1200 values unexpected (0.25%), e.g. 12, 700, 612
 *   WARN  expect_column_mean_to_be_between [rate] (int_glucose_enriched): observed 12.5
 * ```
 */
import type { ExpectationResult, ValidationResult } from './types.js';

const EXAMPLES = 5;

export function summarizeFailures(result: ValidationResult): string {
  const failed = result.results.filter((r) => !r.success);
  const { evaluated_expectations: total } = result.statistics;
  if (failed.length === 0) return `all ${total} expectations passed on ${result.meta.relation}`;
  const errors = failed.filter((r) => r.severity === 'error');
  const warns = failed.filter((r) => r.severity === 'warn');
  const header =
    `${failed.length} of ${total} expectations failed on ${result.meta.relation} ` +
    `(${errors.length} error, ${warns.length} warn):`;
  return [header, ...[...errors, ...warns].map(describeFailure)].join('\n');
}

function describeFailure(failure: ExpectationResult): string {
  const { type, kwargs } = failure.expectation_config;
  const columns = columnsOf(kwargs);
  const label = `${failure.severity.toUpperCase().padEnd(5)} ${type}${columns === '' ? '' : ` [${columns}]`} (${failure.suite_name})`;
  return `  ${label}: ${describeResult(failure)}`;
}

function columnsOf(kwargs: Record<string, unknown>): string {
  if (typeof kwargs['column'] === 'string') return kwargs['column'];
  if (typeof kwargs['column_A'] === 'string') return `${kwargs['column_A']} > ${String(kwargs['column_B'])}`;
  if (Array.isArray(kwargs['column_list']) && !('column_set' in kwargs)) {
    return kwargs['column_list'].length > 3 ? '' : kwargs['column_list'].join(', ');
  }
  return '';
}

function describeResult(failure: ExpectationResult): string {
  const r = failure.result;
  if (r.unexpected_count !== undefined) {
    const denominator = r.missing_count === undefined ? r.element_count : (r.element_count ?? 0) - r.missing_count;
    const percent = r.unexpected_percent === null || r.unexpected_percent === undefined ? '' : ` (${formatPercent(r.unexpected_percent)})`;
    const examples = (r.partial_unexpected_list ?? []).slice(0, EXAMPLES).map((v) => JSON.stringify(v));
    const more = examples.length > 0 ? `, e.g. ${examples.join(', ')}` : '';
    const mostly = typeof failure.expectation_config.kwargs['mostly'] === 'number'
      ? `, mostly ${String(failure.expectation_config.kwargs['mostly'])}`
      : '';
    return `${r.unexpected_count} of ${denominator} values unexpected${percent}${mostly}${more}`;
  }
  if ('observed_value' in r) {
    const details = r.details === undefined ? '' : `; ${JSON.stringify(r.details)}`;
    return `observed ${JSON.stringify(r.observed_value)}${details}`;
  }
  if (failure.expectation_config.type === 'expect_column_to_exist') return 'column not found (at that index)';
  return 'failed';
}

function formatPercent(value: number): string {
  return `${Number(value.toPrecision(3))}%`;
}
