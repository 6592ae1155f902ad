/**
 * Every supported expectation type on a column with no values, as Great Expectations validates it: the same
 * data as a header-only CSV / an empty Parquet file (`empty`), a CSV with an all-empty column / a typed Parquet
 * column of nulls (`allNull`), and a column with some values and a null (`mixed`). DuckDB types an empty CSV
 * column VARCHAR; the Parquet column is DOUBLE. Expected results follow GX's documented semantics
 * (`_format_map_output`, `_validate_metric_value_between`, the table expectations' `_validate`):
 *
 * - column-map: success when no value counts (vacuously); percentages null when their denominator is 0;
 *   `not_be_null` / `be_null` count every row and have no `missing_*` fields;
 * - statistics: a statistic of no values is None and fails (the sum too, as in GX's SQL engines); the count
 *   of distinct values is 0 and their proportion 0;
 * - types: a column with no values passes (nothing contradicts the suite), unless the file declares a type.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../framework/sql.js';
import { validateFile } from './run.js';
import { assertValidResults } from './schemas.js';
import { withTable } from './test-support.js';
import type { ExpectationResultDetails } from './types.js';

type Shape = 'empty' | 'allNull' | 'mixed';
type Format = 'csv' | 'parquet';

/** Columns `id`, `x` (the column under test), `y` (a number to compare x with), `s` (text). */
const CSV: Record<Shape, string> = {
  empty: 'id,x,y,s\n',
  allNull: 'id,x,y,s\n1,,0.5,a\n2,,1.5,\n3,,,b\n4,,20.5,a\n',
  mixed: 'id,x,y,s\n1,1.5,0.5,a\n2,,1.5,\n3,12.5,,b\n4,12.5,20.5,a\n',
};
const ROWS: Record<Shape, string> = {
  empty: 'SELECT * FROM (VALUES (1, 1.5, 0.5, \'a\')) v(id, x, y, s) WHERE FALSE',
  allNull: "SELECT * FROM (VALUES (1, NULL, 0.5, 'a'), (2, NULL, 1.5, NULL), (3, NULL, NULL, 'b'), (4, NULL, 20.5, 'a')) v(id, x, y, s)",
  mixed: "SELECT * FROM (VALUES (1, 1.5, 0.5, 'a'), (2, NULL, 1.5, NULL), (3, 12.5, NULL, 'b'), (4, 12.5, 20.5, 'a')) v(id, x, y, s)",
};
const PARQUET_TYPES = 'SELECT id::BIGINT AS id, x::DOUBLE AS x, y::DOUBLE AS y, s::VARCHAR AS s FROM rows';

/** A column-map result with its `missing_*` fields (values as GX computes them, written out). */
const map = (
  element: number,
  missing: number,
  unexpected: number,
  partial: unknown[],
  percents: { unexpected: number | null; missing: number | null; total: number | null },
): ExpectationResultDetails => ({
  element_count: element,
  unexpected_count: unexpected,
  unexpected_percent: percents.unexpected,
  partial_unexpected_list: partial,
  missing_count: missing,
  missing_percent: percents.missing,
  unexpected_percent_total: percents.total,
  unexpected_percent_nonmissing: percents.unexpected,
});
/** `not_be_null` / `be_null`: every row counts, no `missing_*` fields. */
const nullMap = (element: number, unexpected: number, partial: unknown[], percent: number | null): ExpectationResultDetails => ({
  element_count: element,
  unexpected_count: unexpected,
  unexpected_percent: percent,
  partial_unexpected_list: partial,
});
const NO_ROWS = map(0, 0, 0, [], { unexpected: null, missing: null, total: null });
const NO_VALUES = map(4, 4, 0, [], { unexpected: null, missing: 100, total: 0 });
const NONE_UNEXPECTED_OF_3 = map(4, 1, 0, [], { unexpected: 0, missing: 25, total: 0 });
const observed = (value: unknown): ExpectationResultDetails => ({ observed_value: value });

interface Outcome {
  success: boolean;
  result: ExpectationResultDetails;
}
/** The expected outcome on a shape, or per format where GX's answer depends on the format's types. */
type Expected = Outcome | Record<Format, Outcome>;
const pass = (result: ExpectationResultDetails): Outcome => ({ success: true, result });
const fail = (result: ExpectationResultDetails): Outcome => ({ success: false, result });

/** A statistic's outcomes: None (failing) with no values, `mixed` on the mixed column. */
const statistic = (mixed: Outcome): Record<Shape, Expected> => ({ empty: fail(observed(null)), allNull: fail(observed(null)), mixed });

const COLUMNS = ['id', 'x', 'y', 's'];

const CASES: [type: string, kwargs: Record<string, unknown>, expected: Record<Shape, Expected>][] = [
  [
    'expect_table_row_count_to_be_between',
    { min_value: 1 },
    { empty: fail(observed(0)), allNull: pass(observed(4)), mixed: pass(observed(4)) },
  ],
  ['expect_table_row_count_to_equal', { value: 4 }, { empty: fail(observed(0)), allNull: pass(observed(4)), mixed: pass(observed(4)) }],
  [
    'expect_table_columns_to_match_ordered_list',
    { column_list: COLUMNS },
    { empty: pass(observed(COLUMNS)), allNull: pass(observed(COLUMNS)), mixed: pass(observed(COLUMNS)) },
  ],
  [
    'expect_table_columns_to_match_set',
    { column_set: ['s', 'x', 'id', 'y', 'z'] },
    {
      empty: fail({ observed_value: ['id', 's', 'x', 'y'], details: { mismatched: { missing: ['z'] } } }),
      allNull: fail({ observed_value: ['id', 's', 'x', 'y'], details: { mismatched: { missing: ['z'] } } }),
      mixed: fail({ observed_value: ['id', 's', 'x', 'y'], details: { mismatched: { missing: ['z'] } } }),
    },
  ],
  ['expect_column_to_exist', { column: 'x', column_index: 1 }, { empty: pass({}), allNull: pass({}), mixed: pass({}) }],
  [
    'expect_column_values_to_be_of_type',
    { column: 'x', type_: 'float' },
    { empty: pass(observed('DOUBLE')), allNull: pass(observed('DOUBLE')), mixed: pass(observed('DOUBLE')) },
  ],
  [
    'expect_column_values_to_be_of_type',
    { column: 'x', type_: 'int' },
    {
      // In the CSV nothing says what x is, so the suite does; the Parquet file declares DOUBLE.
      empty: { csv: pass(observed('BIGINT')), parquet: fail(observed('DOUBLE')) },
      allNull: { csv: pass(observed('BIGINT')), parquet: fail(observed('DOUBLE')) },
      mixed: fail(observed('DOUBLE')),
    },
  ],
  [
    'expect_column_values_to_not_be_null',
    { column: 'x' },
    {
      empty: pass(nullMap(0, 0, [], null)),
      allNull: fail(nullMap(4, 4, [null, null, null, null], 100)),
      mixed: fail(nullMap(4, 1, [null], 25)),
    },
  ],
  [
    'expect_column_values_to_be_null',
    { column: 'x' },
    { empty: pass(nullMap(0, 0, [], null)), allNull: pass(nullMap(4, 0, [], 0)), mixed: fail(nullMap(4, 3, [1.5, 12.5, 12.5], 75)) },
  ],
  [
    'expect_column_values_to_be_between',
    { column: 'x', min_value: 1, max_value: 10 },
    {
      empty: pass(NO_ROWS),
      allNull: pass(NO_VALUES),
      mixed: fail(map(4, 1, 2, [12.5, 12.5], { unexpected: 66.66666666666666, missing: 25, total: 50 })),
    },
  ],
  [
    'expect_column_values_to_be_in_set',
    { column: 'x', value_set: [1.5, 5.5] },
    {
      empty: pass(NO_ROWS),
      allNull: pass(NO_VALUES),
      mixed: fail(map(4, 1, 2, [12.5, 12.5], { unexpected: 66.66666666666666, missing: 25, total: 50 })),
    },
  ],
  [
    'expect_column_values_to_not_be_in_set',
    { column: 'x', value_set: [1.5] },
    {
      empty: pass(NO_ROWS),
      allNull: pass(NO_VALUES),
      mixed: fail(map(4, 1, 1, [1.5], { unexpected: 33.33333333333333, missing: 25, total: 25 })),
    },
  ],
  [
    'expect_column_values_to_match_regex',
    { column: 'x', regex: '^1\\.' },
    {
      empty: pass(NO_ROWS),
      allNull: pass(NO_VALUES),
      mixed: fail(map(4, 1, 2, [12.5, 12.5], { unexpected: 66.66666666666666, missing: 25, total: 50 })),
    },
  ],
  [
    'expect_column_values_to_not_match_regex',
    { column: 'x', regex: '^12' },
    {
      empty: pass(NO_ROWS),
      allNull: pass(NO_VALUES),
      mixed: fail(map(4, 1, 2, [12.5, 12.5], { unexpected: 66.66666666666666, missing: 25, total: 50 })),
    },
  ],
  [
    'expect_column_value_lengths_to_be_between',
    { column: 'x', min_value: 1, max_value: 3 },
    {
      empty: pass(NO_ROWS),
      allNull: pass(NO_VALUES),
      mixed: fail(map(4, 1, 2, [12.5, 12.5], { unexpected: 66.66666666666666, missing: 25, total: 50 })),
    },
  ],
  [
    'expect_column_values_to_be_unique',
    { column: 'x' },
    {
      empty: pass(NO_ROWS),
      allNull: pass(NO_VALUES),
      mixed: fail(map(4, 1, 2, [12.5, 12.5], { unexpected: 66.66666666666666, missing: 25, total: 50 })),
    },
  ],
  [
    'expect_compound_columns_to_be_unique',
    { column_list: ['x', 's'] },
    {
      empty: pass(NO_ROWS),
      // Rows 1 and 4 are (null, 'a'): null equals null in a key (pandas' duplicated); row 2, all null, is ignored.
      allNull: fail(
        map(4, 1, 2, [{ x: null, s: 'a' }, { x: null, s: 'a' }], { unexpected: 66.66666666666666, missing: 25, total: 50 }),
      ),
      mixed: pass(NONE_UNEXPECTED_OF_3),
    },
  ],
  [
    'expect_column_pair_values_a_to_be_greater_than_b',
    { column_A: 'y', column_B: 'x' },
    {
      empty: pass(NO_ROWS),
      // Row 3 (both null) is ignored; a row with one null value is unexpected.
      allNull: fail(map(4, 1, 3, [[0.5, null], [1.5, null], [20.5, null]], { unexpected: 100, missing: 25, total: 75 })),
      mixed: fail(map(4, 0, 3, [[0.5, 1.5], [1.5, null], [null, 12.5]], { unexpected: 75, missing: 0, total: 75 })),
    },
  ],
  // A statistic of no values is None, which fails; the sum too (SQL's SUM, not pandas' 0).
  ['expect_column_mean_to_be_between', { column: 'x', min_value: 0, max_value: 20 }, statistic(pass(observed(8.833333333333334)))],
  ['expect_column_median_to_be_between', { column: 'x', min_value: 0, max_value: 20 }, statistic(pass(observed(12.5)))],
  ['expect_column_stdev_to_be_between', { column: 'x', min_value: 0 }, statistic(pass(observed(expect.closeTo(Math.sqrt(121 / 3), 12))))],
  ['expect_column_min_to_be_between', { column: 'x', min_value: 1 }, statistic(pass(observed(1.5)))],
  ['expect_column_max_to_be_between', { column: 'x', max_value: 10 }, statistic(fail(observed(12.5)))],
  ['expect_column_sum_to_be_between', { column: 'x', min_value: 0 }, statistic(pass(observed(26.5)))],
  [
    'expect_column_proportion_of_unique_values_to_be_between',
    { column: 'x', min_value: 0, max_value: 1 },
    { empty: pass(observed(0)), allNull: pass(observed(0)), mixed: pass(observed(0.6666666666666666)) },
  ],
  [
    'expect_column_unique_value_count_to_be_between',
    { column: 'x', min_value: 1 },
    { empty: fail(observed(0)), allNull: fail(observed(0)), mixed: pass(observed(2)) },
  ],
];

let dir: string;
const file = (shape: Shape, format: Format) => join(dir, `${shape}.${format}`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assay-empty-data-'));
  for (const shape of ['empty', 'allNull', 'mixed'] as const) {
    await writeFile(file(shape, 'csv'), CSV[shape]);
    await withTable(ROWS[shape], async (c) => {
      await c.run(`COPY (${PARQUET_TYPES.replace('rows', 't')}) TO ${quoteLiteral(file(shape, 'parquet'))} (FORMAT parquet)`);
    });
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function suiteFile(name: string, expectations: { type: string; kwargs: Record<string, unknown> }[]): Promise<string> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify({ name, expectations }));
  return path;
}

describe.each(['csv', 'parquet'] as const)('every expectation type on a %s file', (format) => {
  describe.each(['empty', 'allNull', 'mixed'] as const)('%s', (shape) => {
    it.each(CASES.map(([type, kwargs, expected], i) => [i, type, kwargs, expected] as const))(
      '#%i %s gives GX’s result',
      async (i, type, kwargs, expected) => {
        const suite = await suiteFile(`case_${format}_${shape}_${i}`, [{ type, kwargs }]);
        const result = await validateFile(file(shape, format), [suite]);
        assertValidResults(result);
        const byShape = expected[shape];
        const want = 'success' in byShape ? byShape : byShape[format];
        const got = result.results[0];
        expect({ success: got?.success, result: got?.result }).toEqual(want);
      },
    );
  });
});

describe('a suite over columns with no values', () => {
  it.each(['csv', 'parquet'] as const)('runs in one scan of a header-only or all-empty %s file, where it passes', async (format) => {
    // Every case that passes on no values, in one suite: the column's typings must agree within one query.
    const passing = CASES.filter(([, , e]) => {
      const empty = 'success' in e.empty ? e.empty : e.empty[format];
      const allNull = 'success' in e.allNull ? e.allNull : e.allNull[format];
      return empty.success && allNull.success;
    });
    expect(passing.length).toBeGreaterThanOrEqual(12);
    const suite = await suiteFile(`passing_${format}`, passing.map(([type, kwargs]) => ({ type, kwargs })));
    for (const shape of ['empty', 'allNull'] as const) {
      const result = await validateFile(file(shape, format), [suite]);
      expect(result.results.filter((r) => !r.success)).toEqual([]);
      expect(result.meta.scans).toBe(1);
    }
  });
});

describe('the whole table as one suite', () => {
  it.each(['csv', 'parquet'] as const)('gives each expectation its own result on every %s shape, in at most two scans', async (format) => {
    const suite = await suiteFile(`all_${format}`, CASES.map(([type, kwargs]) => ({ type, kwargs })));
    for (const shape of ['empty', 'allNull', 'mixed'] as const) {
      const result = await validateFile(file(shape, format), [suite]);
      assertValidResults(result);
      expect(result.meta.scans).toBeLessThanOrEqual(2);
      const got = result.results.map((r) => ({ success: r.success, result: r.result }));
      const want = CASES.map(([type, , expected]) => {
        const e = expected[shape];
        const outcome = 'success' in e ? e : e[format];
        // Types given by the suite come from its first type expectation (here `float`) for the whole suite.
        return type === 'expect_column_values_to_be_of_type' ? { success: outcome.success, result: expect.anything() } : outcome;
      });
      expect(got).toEqual(want);
    }
  });
});
