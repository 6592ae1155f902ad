import { describe, expect, it } from 'vitest';
import { ExpectationFailedError } from '../framework/errors.js';
import { assertNoErrorFailures, errorFailures, warnFailures } from './results.js';
import { summarizeFailures } from './summary.js';
import { validateTable } from './test-support.js';

const table = "SELECT * FROM (VALUES (1, 15, 'a'), (2, 700, 'b'), (2, 100, NULL), (3, 650, 'c')) v(id, sgv, label)";

describe('summarizeFailures', () => {
  it('lists errors before warnings with expectation, column, counts, observed values and a few unexpected values', async () => {
    const result = await validateTable(table, [
      ['expect_column_mean_to_be_between', { column: 'sgv', max_value: 300 }, { meta: { severity: 'warn' } }],
      ['expect_column_values_to_be_between', { column: 'sgv', min_value: 20, max_value: 600 }],
      ['expect_column_values_to_be_unique', { column: 'id' }],
      ['expect_column_values_to_not_be_null', { column: 'label', mostly: 0.9 }],
      ['expect_table_row_count_to_be_between', { min_value: 1 }],
    ]);
    expect(summarizeFailures(result)).toBe(
      [
        '4 of 5 expectations failed on t (3 error, 1 warn):',
        '  ERROR expect_column_values_to_be_between [sgv] (test_suite): 3 of 4 values unexpected (75%), e.g. 15, 700, 650',
        '  ERROR expect_column_values_to_be_unique [id] (test_suite): 2 of 4 values unexpected (50%), e.g. 2, 2',
        '  ERROR expect_column_values_to_not_be_null [label] (test_suite): 1 of 4 values unexpected (25%), mostly 0.9, e.g. null',
        '  WARN  expect_column_mean_to_be_between [sgv] (test_suite): observed 366.25',
      ].join('\n'),
    );
  });

  it('says so when everything passed', async () => {
    const result = await validateTable(table, [['expect_table_row_count_to_equal', { value: 4 }]]);
    expect(summarizeFailures(result)).toBe('all 1 expectations passed on t');
  });
});

describe('failures by severity', () => {
  it('split failures into blocking errors and warnings', async () => {
    const result = await validateTable(table, [
      ['expect_column_values_to_be_between', { column: 'sgv', min_value: 20 }, { severity: 'warning' }],
      ['expect_column_values_to_be_unique', { column: 'id' }, { severity: 'critical' }],
      ['expect_column_values_to_not_be_null', { column: 'id' }],
    ]);
    expect(errorFailures(result).map((r) => r.expectation_config.type)).toEqual(['expect_column_values_to_be_unique']);
    expect(warnFailures(result).map((r) => r.expectation_config.type)).toEqual(['expect_column_values_to_be_between']);
    expect(() => assertNoErrorFailures(result)).toThrow(ExpectationFailedError);
  });

  it('do not block when only warnings failed', async () => {
    const result = await validateTable(table, [['expect_column_values_to_be_between', { column: 'sgv', min_value: 20 }, { meta: { severity: 'warn' } }]]);
    expect(result.success).toBe(false);
    expect(() => assertNoErrorFailures(result)).not.toThrow();
  });
});
