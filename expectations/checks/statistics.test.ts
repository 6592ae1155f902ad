import { describe, expect, it } from 'vitest';
import { column, runOne, validateTable } from '../test-support.js';

const ints = (...values: (number | string)[]) => column('INTEGER', values);
const doubles = (...values: (number | string)[]) => column('DOUBLE', values);

describe('column statistics', () => {
  it('compute mean, median, sample stdev, min, max and sum over non-null values', async () => {
    const query = ints(1, 2, 3, 4, 'NULL');
    const observed = async (type: string) => (await runOne(query, type, { column: 'x' })).result.observed_value;
    expect(await observed('expect_column_mean_to_be_between')).toBe(2.5);
    expect(await observed('expect_column_median_to_be_between')).toBe(2.5);
    expect(await observed('expect_column_stdev_to_be_between')).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(await observed('expect_column_min_to_be_between')).toBe(1);
    expect(await observed('expect_column_max_to_be_between')).toBe(4);
    expect(await observed('expect_column_sum_to_be_between')).toBe(10);
  });

  it('compare with inclusive bounds, strict ones, and null bounds as unbounded', async () => {
    const query = ints(1, 2, 3, 4);
    const mean = (kwargs: Record<string, unknown>) => runOne(query, 'expect_column_mean_to_be_between', { column: 'x', ...kwargs });
    expect((await mean({ min_value: 2.5, max_value: 2.5 })).success).toBe(true);
    expect((await mean({ min_value: 2.5, strict_min: true })).success).toBe(false);
    expect((await mean({ max_value: 2.5, strict_max: true })).success).toBe(false);
    expect((await mean({ min_value: null, max_value: 3 })).success).toBe(true);
    expect((await mean({})).success).toBe(true);
  });

  it('fail when the statistic is null: empty column, or the stdev of one value', async () => {
    const empty = await runOne(ints('NULL', 'NULL'), 'expect_column_mean_to_be_between', { column: 'x', min_value: 0 });
    expect(empty).toMatchObject({ success: false, result: { observed_value: null } });
    const noBounds = await runOne(ints(), 'expect_column_max_to_be_between', { column: 'x' });
    expect(noBounds.success).toBe(false);
    const one = await runOne(ints(5), 'expect_column_stdev_to_be_between', { column: 'x', min_value: 0 });
    expect(one).toMatchObject({ success: false, result: { observed_value: null } });
  });

  it('fail when the statistic is NaN', async () => {
    const r = await runOne(doubles(1, "'nan'"), 'expect_column_mean_to_be_between', { column: 'x', min_value: 0, max_value: 10 });
    expect(r).toMatchObject({ success: false, result: { observed_value: 'NaN' } });
    const max = await runOne(doubles(1, "'nan'"), 'expect_column_max_to_be_between', { column: 'x', min_value: 0 });
    expect(max.success).toBe(false);
  });

  it('compare dates with string bounds', async () => {
    const query = column('DATE', ["'2024-01-01'", "'2024-03-01'"]);
    const r = await runOne(query, 'expect_column_max_to_be_between', { column: 'x', max_value: '2024-02-01' });
    expect(r).toMatchObject({ success: false, result: { observed_value: '2024-03-01' } });
  });

  it('refuse a non-numeric column for mean, naming the suite and the expectation', async () => {
    await expect(runOne(column('VARCHAR', ["'a'"]), 'expect_column_mean_to_be_between', { column: 'x' })).rejects.toThrow(
      /test_suite\.json: \/expectations\/0\/kwargs\/column \(expect_column_mean_to_be_between\) needs a numeric column, but 'x' is VARCHAR/,
    );
  });

  it('count distinct non-null values, and their proportion of non-null values', async () => {
    const query = ints(1, 1, 2, 'NULL');
    const count = await runOne(query, 'expect_column_unique_value_count_to_be_between', { column: 'x', min_value: 2, max_value: 2 });
    expect(count).toMatchObject({ success: true, result: { observed_value: 2 } });
    const proportion = await runOne(query, 'expect_column_proportion_of_unique_values_to_be_between', { column: 'x', min_value: 0.6 });
    expect(proportion).toMatchObject({ success: true, result: { observed_value: 2 / 3 } });
  });

  it('give a proportion of unique values of 0 for an all-null column, as GX does', async () => {
    const r = await runOne(ints('NULL'), 'expect_column_proportion_of_unique_values_to_be_between', { column: 'x', max_value: 0 });
    expect(r).toMatchObject({ success: true, result: { observed_value: 0 } });
  });
});

describe('table row count', () => {
  it('is compared with bounds or an exact value', async () => {
    const result = await validateTable('SELECT range AS x FROM range(5)', [
      ['expect_table_row_count_to_be_between', { min_value: 1, max_value: null }],
      ['expect_table_row_count_to_be_between', { min_value: 5, strict_min: true }],
      ['expect_table_row_count_to_equal', { value: 5 }],
      ['expect_table_row_count_to_equal', { value: 4 }],
    ]);
    expect(result.results.map((r) => [r.success, r.result.observed_value])).toEqual([
      [true, 5],
      [false, 5],
      [true, 5],
      [false, 5],
    ]);
  });

  it('of an empty table fails a lower bound of 1', async () => {
    const r = await runOne(column('INTEGER', []), 'expect_table_row_count_to_be_between', { min_value: 1 });
    expect(r).toMatchObject({ success: false, result: { observed_value: 0 } });
  });
});
