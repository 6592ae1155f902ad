import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../framework/errors.js';
import { assertValidResults, RESULTS_SCHEMA } from './schemas.js';
import { validateTable } from './test-support.js';
import type { ValidationResult } from './types.js';

const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
addFormats.default(ajv);
const validate = ajv.compile(RESULTS_SCHEMA);

/** One failing expectation of every kind, so every result shape appears. */
async function everyKind(): Promise<ValidationResult> {
  return validateTable(
    "SELECT range % 10 AS x, range % 3 AS y, 'v' || range AS s FROM range(30) UNION ALL SELECT NULL, 0, NULL",
    [
      ['expect_table_row_count_to_equal', { value: 3 }],
      ['expect_table_columns_to_match_ordered_list', { column_list: ['x'] }],
      ['expect_column_to_exist', { column: 'z' }],
      ['expect_column_values_to_be_of_type', { column: 'x', type_: 'str' }],
      ['expect_column_values_to_not_be_null', { column: 'x' }],
      ['expect_column_values_to_be_between', { column: 'x', max_value: 5 }],
      ['expect_column_values_to_match_regex', { column: 's', regex: '^v1' }],
      ['expect_column_values_to_be_unique', { column: 'y' }],
      ['expect_compound_columns_to_be_unique', { column_list: ['y', 'y'], ignore_row_if: 'never' }],
      ['expect_column_pair_values_a_to_be_greater_than_b', { column_A: 'y', column_B: 'x' }],
      ['expect_column_stdev_to_be_between', { column: 'x', max_value: 1 }],
      ['expect_column_proportion_of_unique_values_to_be_between', { column: 'y', min_value: 0.5 }],
    ],
  );
}

describe('results.schema.json', () => {
  it('accepts the results of every kind of expectation, failing or passing', async () => {
    const result = await everyKind();
    expect(result.results.filter((r) => r.success).map((r) => r.expectation_config.type)).toEqual([]);
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    const passing = await validateTable('SELECT 1 AS x', [['expect_column_values_to_not_be_null', { column: 'x' }]]);
    expect(validate(passing), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects a document without Assay’s additions, naming the pointer', async () => {
    const result = await everyKind();
    const stripped = { ...result, results: result.results.map(({ severity: _severity, ...rest }) => rest) };
    expect(validate(stripped)).toBe(false);
    expect(() => assertValidResults(stripped as unknown as ValidationResult)).toThrow(InvalidDocumentError);
    expect(() => assertValidResults(stripped as unknown as ValidationResult)).toThrow("results: /results/0 must have the property 'severity'");
  });

  it('caps partial_unexpected_list at 20 values', async () => {
    const result = await everyKind();
    const long = structuredClone(result);
    long.results[5]!.result.partial_unexpected_list = new Array(21).fill(1);
    expect(validate(long)).toBe(false);
  });
});
