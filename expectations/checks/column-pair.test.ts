import { describe, expect, it } from 'vitest';
import { runOne } from '../test-support.js';

const pairs = (rows: string) => `SELECT * FROM (VALUES ${rows}) v(a, b)`;

describe('expect_column_pair_values_a_to_be_greater_than_b', () => {
  it('flags rows where A is not greater than B and lists them as [a, b]', async () => {
    const r = await runOne(pairs('(2, 1), (2, 2), (1, 3)'), 'expect_column_pair_values_a_to_be_greater_than_b', {
      column_A: 'a',
      column_B: 'b',
    });
    expect(r.success).toBe(false);
    expect(r.result).toMatchObject({ element_count: 3, unexpected_count: 2, partial_unexpected_list: [[2, 2], [1, 3]] });
  });

  it('accepts equal values with or_equal', async () => {
    const r = await runOne(pairs('(2, 1), (2, 2)'), 'expect_column_pair_values_a_to_be_greater_than_b', {
      column_A: 'a',
      column_B: 'b',
      or_equal: true,
    });
    expect(r.success).toBe(true);
  });

  it('ignores rows with both values missing by default, and counts one missing value as unexpected', async () => {
    const query = pairs('(2, 1), (NULL, NULL), (NULL, 1), (3, NULL)');
    const both = await runOne(query, 'expect_column_pair_values_a_to_be_greater_than_b', { column_A: 'a', column_B: 'b' });
    expect(both.result).toMatchObject({ missing_count: 1, unexpected_count: 2, partial_unexpected_list: [[null, 1], [3, null]] });
    const either = await runOne(query, 'expect_column_pair_values_a_to_be_greater_than_b', {
      column_A: 'a',
      column_B: 'b',
      ignore_row_if: 'either_value_is_missing',
    });
    expect(either).toMatchObject({ success: true, result: { missing_count: 3, unexpected_count: 0 } });
    const neither = await runOne(query, 'expect_column_pair_values_a_to_be_greater_than_b', {
      column_A: 'a',
      column_B: 'b',
      ignore_row_if: 'neither',
    });
    expect(neither.result).toMatchObject({ missing_count: 0, unexpected_count: 3 });
  });

  it('refuses to compare a text column with a column of another type, naming the suite and both columns', async () => {
    await expect(
      runOne(pairs("('x', 1), ('y', 2)"), 'expect_column_pair_values_a_to_be_greater_than_b', { column_A: 'a', column_B: 'b' }),
    ).rejects.toThrow(
      "/expectations/0/kwargs/column_B (expect_column_pair_values_a_to_be_greater_than_b) compares column 'a' (VARCHAR) " +
        "with column 'b' (INTEGER): text compares only with text",
    );
    const texts = await runOne(pairs("('b', 'a'), ('a', 'b')"), 'expect_column_pair_values_a_to_be_greater_than_b', {
      column_A: 'a',
      column_B: 'b',
    });
    expect(texts.result).toMatchObject({ unexpected_count: 1, partial_unexpected_list: [['a', 'b']] });
  });
});
