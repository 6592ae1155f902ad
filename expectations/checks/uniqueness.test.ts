import { describe, expect, it } from 'vitest';
import { column, runOne, validateTable } from '../test-support.js';

describe('expect_column_values_to_be_unique', () => {
  it('marks every occurrence of a duplicated value, not just the repeats', async () => {
    const r = await runOne(column('INTEGER', [1, 2, 2, 3, 3, 3, 'NULL', 'NULL']), 'expect_column_values_to_be_unique', {
      column: 'x',
    });
    expect(r.success).toBe(false);
    expect(r.result).toMatchObject({
      element_count: 8,
      missing_count: 2,
      unexpected_count: 5,
      unexpected_percent: (5 / 6) * 100,
    });
    expect(r.result.partial_unexpected_list).toEqual([3, 3, 3, 2, 2]);
  });

  it('ignores nulls, however many', async () => {
    const result = await validateTable(column('VARCHAR', ["'a'", "'b'", 'NULL', 'NULL']), [
      ['expect_column_values_to_be_unique', { column: 'x' }],
    ]);
    expect(result.results[0]?.success).toBe(true);
    expect(result.meta.scans).toBe(1);
  });

  it('passes within mostly', async () => {
    const query = 'SELECT CASE WHEN range < 2 THEN 0 ELSE range END AS x FROM range(100)';
    expect((await runOne(query, 'expect_column_values_to_be_unique', { column: 'x', mostly: 0.98 })).success).toBe(true);
    expect((await runOne(query, 'expect_column_values_to_be_unique', { column: 'x', mostly: 0.99 })).success).toBe(false);
  });

  it('passes vacuously on an empty table', async () => {
    const r = await runOne(column('INTEGER', []), 'expect_column_values_to_be_unique', { column: 'x' });
    expect(r).toMatchObject({ success: true, result: { element_count: 0, unexpected_count: 0 } });
  });

  it('needs no second scan when the column is unique', async () => {
    const result = await validateTable('SELECT range AS x FROM range(10000)', [['expect_column_values_to_be_unique', { column: 'x' }]]);
    expect(result.meta.scans).toBe(1);
    expect(result.results[0]?.result.unexpected_count).toBe(0);
  });
});

describe('expect_compound_columns_to_be_unique', () => {
  const query =
    "SELECT * FROM (VALUES ('s1', 1), ('s1', 1), ('s1', 2), ('s2', 1), ('s2', NULL), ('s2', NULL), (NULL, NULL), (NULL, NULL)) v(a, b)";

  it('ignores rows whose values are all missing, and counts a null as equal to a null', async () => {
    const r = await runOne(query, 'expect_compound_columns_to_be_unique', { column_list: ['a', 'b'] });
    expect(r.success).toBe(false);
    expect(r.result).toMatchObject({ element_count: 8, missing_count: 2, unexpected_count: 4 });
    expect(r.result.partial_unexpected_list).toEqual([
      { a: 's1', b: 1 },
      { a: 's1', b: 1 },
      { a: 's2', b: null },
      { a: 's2', b: null },
    ]);
  });

  it('ignores rows with any missing value with any_value_is_missing, and none with never', async () => {
    const any = await runOne(query, 'expect_compound_columns_to_be_unique', {
      column_list: ['a', 'b'],
      ignore_row_if: 'any_value_is_missing',
    });
    expect(any.result).toMatchObject({ missing_count: 4, unexpected_count: 2 });
    const never = await runOne(query, 'expect_compound_columns_to_be_unique', { column_list: ['a', 'b'], ignore_row_if: 'never' });
    expect(never.result).toMatchObject({ missing_count: 0, unexpected_count: 6 });
  });

  it('passes on a unique key in one scan', async () => {
    const result = await validateTable("SELECT 's' || (range % 7) AS a, range AS b FROM range(1000)", [
      ['expect_compound_columns_to_be_unique', { column_list: ['a', 'b'] }],
    ]);
    expect(result.results[0]?.success).toBe(true);
    expect(result.meta.scans).toBe(1);
  });
});
