import { describe, expect, it } from 'vitest';
import { column, runOne, validateTable } from '../test-support.js';

const ints = (...values: (number | string)[]) => column('INTEGER', values);
const doubles = (...values: (number | string)[]) => column('DOUBLE', values);
const strings = (...values: (string | null)[]) => column('VARCHAR', values.map((v) => (v === null ? 'NULL' : `'${v}'`)));

describe('expect_column_values_to_not_be_null', () => {
  it('counts nulls against every row and leaves out the missing_* fields, as GX does', async () => {
    const r = await runOne(ints(1, 2, 'NULL', 'NULL'), 'expect_column_values_to_not_be_null', { column: 'x' });
    expect(r.success).toBe(false);
    expect(r.result).toEqual({
      element_count: 4,
      unexpected_count: 2,
      unexpected_percent: 50,
      partial_unexpected_list: [null, null],
    });
  });

  it('passes when the share of non-null rows reaches mostly', async () => {
    const query = ints(1, 2, 3, 'NULL');
    expect((await runOne(query, 'expect_column_values_to_not_be_null', { column: 'x', mostly: 0.75 })).success).toBe(true);
    expect((await runOne(query, 'expect_column_values_to_not_be_null', { column: 'x', mostly: 0.76 })).success).toBe(false);
  });

  it('passes vacuously on an empty table', async () => {
    const r = await runOne(ints(), 'expect_column_values_to_not_be_null', { column: 'x' });
    expect(r.success).toBe(true);
    expect(r.result).toMatchObject({ element_count: 0, unexpected_count: 0, unexpected_percent: null });
  });

  it('treats NaN as a value, not a missing one', async () => {
    expect((await runOne(doubles("'nan'"), 'expect_column_values_to_not_be_null', { column: 'x' })).success).toBe(true);
  });
});

describe('expect_column_values_to_be_null', () => {
  it('lists the non-null values as unexpected', async () => {
    const r = await runOne(strings('a', null, 'b'), 'expect_column_values_to_be_null', { column: 'x' });
    expect(r.success).toBe(false);
    expect(r.result).toEqual({
      element_count: 3,
      unexpected_count: 2,
      unexpected_percent: (2 / 3) * 100,
      partial_unexpected_list: ['a', 'b'],
    });
  });
});

describe('expect_column_values_to_be_between', () => {
  it('excludes nulls from the denominator and reports missing and unexpected percentages', async () => {
    const r = await runOne(ints(5, 10, 15, 20, 'NULL'), 'expect_column_values_to_be_between', {
      column: 'x',
      min_value: 6,
      max_value: 15,
    });
    expect(r.success).toBe(false);
    expect(r.result).toEqual({
      element_count: 5,
      unexpected_count: 2,
      unexpected_percent: 50,
      partial_unexpected_list: [5, 20],
      missing_count: 1,
      missing_percent: 20,
      unexpected_percent_total: 40,
      unexpected_percent_nonmissing: 50,
    });
  });

  it('includes the bounds unless strict_min or strict_max', async () => {
    const query = ints(1, 2, 3);
    const kwargs = { column: 'x', min_value: 1, max_value: 3 };
    expect((await runOne(query, 'expect_column_values_to_be_between', kwargs)).success).toBe(true);
    const strictMin = await runOne(query, 'expect_column_values_to_be_between', { ...kwargs, strict_min: true });
    expect(strictMin.result.partial_unexpected_list).toEqual([1]);
    const strictMax = await runOne(query, 'expect_column_values_to_be_between', { ...kwargs, strict_max: true });
    expect(strictMax.result.partial_unexpected_list).toEqual([3]);
  });

  it('treats a null bound as unbounded', async () => {
    const query = ints(-1000, 0, 1000000);
    expect((await runOne(query, 'expect_column_values_to_be_between', { column: 'x', min_value: -1000, max_value: null })).success).toBe(true);
    expect((await runOne(query, 'expect_column_values_to_be_between', { column: 'x', max_value: 1000000 })).success).toBe(true);
  });

  it('passes when the expected share reaches mostly', async () => {
    const query = ints(1, 2, 3, 4, 5, 6, 7, 8, 9, 100);
    const kwargs = { column: 'x', min_value: 0, max_value: 10 };
    expect((await runOne(query, 'expect_column_values_to_be_between', { ...kwargs, mostly: 0.9 })).success).toBe(true);
    expect((await runOne(query, 'expect_column_values_to_be_between', { ...kwargs, mostly: 0.95 })).success).toBe(false);
  });

  it('passes vacuously on an all-null column', async () => {
    const r = await runOne(ints('NULL', 'NULL'), 'expect_column_values_to_be_between', { column: 'x', min_value: 0, max_value: 1 });
    expect(r.success).toBe(true);
    expect(r.result).toMatchObject({ missing_count: 2, unexpected_count: 0, unexpected_percent: null });
  });

  it('counts NaN as outside every range, even a one-sided one', async () => {
    const query = doubles(1.5, "'nan'");
    const r = await runOne(query, 'expect_column_values_to_be_between', { column: 'x', min_value: 0 });
    expect(r.success).toBe(false);
    expect(r.result.partial_unexpected_list).toEqual(['NaN']);
  });

  it('compares dates and timestamps with string bounds', async () => {
    const query = column('DATE', ["'2024-01-01'", "'2024-06-30'", "'2025-01-01'"]);
    const r = await runOne(query, 'expect_column_values_to_be_between', {
      column: 'x',
      min_value: '2024-01-01',
      max_value: '2024-12-31',
    });
    expect(r.result.partial_unexpected_list).toEqual(['2025-01-01']);
  });

  it('lists at most 20 unexpected values', async () => {
    const r = await runOne('SELECT range AS x FROM range(100)', 'expect_column_values_to_be_between', { column: 'x', max_value: 10 });
    expect(r.result.unexpected_count).toBe(89);
    expect(r.result.partial_unexpected_list).toHaveLength(20);
  });
});

describe('expect_column_values_to_be_in_set and _not_be_in_set', () => {
  it('flags values outside the set and ignores nulls', async () => {
    const r = await runOne(strings('Flat', 'SingleUp', 'Sideways', null), 'expect_column_values_to_be_in_set', {
      column: 'x',
      value_set: ['Flat', 'SingleUp'],
    });
    expect(r.success).toBe(false);
    expect(r.result).toMatchObject({ unexpected_count: 1, missing_count: 1, partial_unexpected_list: ['Sideways'] });
  });

  it('never matches a null in the value set against a value', async () => {
    const r = await runOne(ints(1, 2), 'expect_column_values_to_be_in_set', { column: 'x', value_set: [1, null] });
    expect(r.result.partial_unexpected_list).toEqual([2]);
  });

  it('compares numbers with numbers and booleans with booleans, whatever the widths', async () => {
    const decimals = await runOne(doubles(0.5, 1, 1.5), 'expect_column_values_to_be_in_set', { column: 'x', value_set: [0.5, 1] });
    expect(decimals.result.partial_unexpected_list).toEqual([1.5]);
    const bigints = await runOne(column('BIGINT', [1, 4102444800000]), 'expect_column_values_to_be_in_set', { column: 'x', value_set: [4102444800000] });
    expect(bigints.result.partial_unexpected_list).toEqual([1]);
    const flags = await runOne(column('BOOLEAN', ['true', 'false']), 'expect_column_values_to_not_be_in_set', { column: 'x', value_set: [false] });
    expect(flags.result.partial_unexpected_list).toEqual([false]);
    const dates = await runOne(column('DATE', ["'2024-01-01'", "'2024-01-02'"]), 'expect_column_values_to_be_in_set', { column: 'x', value_set: ['2024-01-02'] });
    expect(dates.result.partial_unexpected_list).toEqual(['2024-01-01']);
  });

  it('flags every value when the set is empty', async () => {
    const r = await runOne(ints(1, 2), 'expect_column_values_to_be_in_set', { column: 'x', value_set: [] });
    expect(r.result.unexpected_count).toBe(2);
  });

  it('flags values inside a forbidden set', async () => {
    const r = await runOne(ints(1, 2, 3, 'NULL'), 'expect_column_values_to_not_be_in_set', { column: 'x', value_set: [2, 3] });
    expect(r.result).toMatchObject({ unexpected_count: 2, partial_unexpected_list: [2, 3] });
    const empty = await runOne(ints(1), 'expect_column_values_to_not_be_in_set', { column: 'x', value_set: [] });
    expect(empty.success).toBe(true);
  });
});

describe('expect_column_values_to_match_regex and _not_match_regex', () => {
  it('matches anywhere in the value unless anchored, like re.search', async () => {
    const query = strings('abc123', 'xyz', '42', null);
    const r = await runOne(query, 'expect_column_values_to_match_regex', { column: 'x', regex: '[0-9]+' });
    expect(r.result).toMatchObject({ unexpected_count: 1, partial_unexpected_list: ['xyz'] });
    const anchored = await runOne(query, 'expect_column_values_to_match_regex', { column: 'x', regex: '^[0-9]+$' });
    expect(anchored.result.partial_unexpected_list).toEqual(['abc123', 'xyz']);
  });

  it('flags values that match a forbidden pattern', async () => {
    const r = await runOne(strings('ok', 'N/A', 'n/a'), 'expect_column_values_to_not_match_regex', { column: 'x', regex: '(?i)^n/a$' });
    expect(r.result.partial_unexpected_list).toEqual(['N/A', 'n/a']);
  });

  it('reports an invalid pattern with the suite and pointer before scanning', async () => {
    await expect(runOne(strings('a'), 'expect_column_values_to_match_regex', { column: 'x', regex: '(unclosed' })).rejects.toThrow(
      /test_suite\.json: \/expectations\/0\/kwargs\/regex \(expect_column_values_to_match_regex\) is not a valid RE2 regular expression/,
    );
  });
});

describe('expect_column_value_lengths_to_be_between', () => {
  it('measures string lengths, ignoring nulls', async () => {
    const r = await runOne(strings('ab', 'abcd', 'abcdef', null), 'expect_column_value_lengths_to_be_between', {
      column: 'x',
      min_value: 2,
      max_value: 4,
      strict_max: true,
    });
    expect(r.result).toMatchObject({ unexpected_count: 2, partial_unexpected_list: ['abcd', 'abcdef'] });
  });
});

describe('partial unexpected values', () => {
  it('are fetched only for failing expectations by default, in one extra scan', async () => {
    const specs = [
      ['expect_column_values_to_be_between', { column: 'x', max_value: 8, mostly: 0.5 }],
      ['expect_column_values_to_be_between', { column: 'x', max_value: 5 }],
    ] as const;
    const result = await validateTable('SELECT range AS x FROM range(10)', specs.map(([t, k]) => [t, { ...k }]));
    expect(result.results.map((r) => r.result.partial_unexpected_list)).toEqual([[], [6, 7, 8, 9]]);
    expect(result.meta.scans).toBe(2);
  });

  it('are fetched for passing expectations too with partialUnexpected all, and never with none', async () => {
    const specs: [string, Record<string, unknown>][] = [['expect_column_values_to_be_between', { column: 'x', max_value: 8, mostly: 0.5 }]];
    const all = await validateTable('SELECT range AS x FROM range(10)', specs, { partialUnexpected: 'all' });
    expect(all.results[0]?.result.partial_unexpected_list).toEqual([9]);
    const none = await validateTable('SELECT range AS x FROM range(10)', [['expect_column_values_to_be_between', { column: 'x', max_value: 5 }]], {
      partialUnexpected: 'none',
    });
    expect(none.results[0]?.result).toMatchObject({ unexpected_count: 4, partial_unexpected_list: [] });
    expect(none.meta.scans).toBe(1);
  });
});

describe('bounds and columns of different kinds', () => {
  it('refuse a number bound on a text column instead of comparing text', async () => {
    await expect(runOne(strings('100', '20'), 'expect_column_values_to_be_between', { column: 'x', min_value: 30 })).rejects.toThrow(
      "/expectations/0/kwargs/min_value (expect_column_values_to_be_between) is the number 30, but column 'x' is VARCHAR",
    );
  });

  it('cast a string bound to a numeric column', async () => {
    expect((await runOne(ints(5, 50), 'expect_column_values_to_be_between', { column: 'x', max_value: '10' })).result.unexpected_count).toBe(1);
  });
});

describe('identifiers and values', () => {
  it('are quoted and bound, never pasted: odd column names and quotes in values are safe', async () => {
    const query = `SELECT * FROM (VALUES ('it''s', 1), ('x"); DROP TABLE t; --', 2)) v("we""ird col", "select")`;
    const result = await validateTable(query, [
      ['expect_column_values_to_be_in_set', { column: 'we"ird col', value_set: ["it's"] }],
      ['expect_column_values_to_not_be_null', { column: 'select' }],
      ['expect_compound_columns_to_be_unique', { column_list: ['we"ird col', 'select'] }],
    ]);
    expect(result.results.map((r) => r.success)).toEqual([false, true, true]);
    expect(result.results[0]?.result.partial_unexpected_list).toEqual(['x"); DROP TABLE t; --']);
  });
});
