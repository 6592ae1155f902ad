import { describe, expect, it } from 'vitest';
import { runOne, validateTable } from '../test-support.js';

const table = 'SELECT 1::INTEGER AS id, 2.5::DOUBLE AS value, \'a\' AS label, TIMESTAMPTZ \'2024-01-01 00:00:00+00\' AS ts';

describe('table column expectations', () => {
  it('match an ordered list exactly, reporting mismatched positions', async () => {
    const ok = await runOne(table, 'expect_table_columns_to_match_ordered_list', { column_list: ['id', 'value', 'label', 'ts'] });
    expect(ok).toMatchObject({ success: true, result: { observed_value: ['id', 'value', 'label', 'ts'] } });
    const swapped = await runOne(table, 'expect_table_columns_to_match_ordered_list', { column_list: ['id', 'label', 'value'] });
    expect(swapped.success).toBe(false);
    expect(swapped.result.details).toEqual({
      mismatched: [
        { 'Expected Column Position': 1, Expected: 'label', Found: 'value' },
        { 'Expected Column Position': 2, Expected: 'value', Found: 'label' },
        { 'Expected Column Position': 3, Expected: null, Found: 'ts' },
      ],
    });
  });

  it('match a set exactly by default, or as a subset with exact_match false', async () => {
    const exact = await runOne(table, 'expect_table_columns_to_match_set', { column_set: ['ts', 'id', 'value'] });
    // GX 1.x lists only the non-empty one of `unexpected` / `missing`.
    expect(exact).toMatchObject({ success: false, result: { details: { mismatched: { unexpected: ['label'] } } } });
    expect(exact.result.details?.['mismatched']).not.toHaveProperty('missing');
    const subset = await runOne(table, 'expect_table_columns_to_match_set', { column_set: ['ts', 'id'], exact_match: false });
    expect(subset.success).toBe(true);
    const missing = await runOne(table, 'expect_table_columns_to_match_set', { column_set: ['id', 'nope'], exact_match: false });
    expect(missing).toMatchObject({ success: false, result: { details: { mismatched: { missing: ['nope'] } } } });
  });

  it('report the observed columns sorted and the sorted mismatches, as GX 1.x does', async () => {
    const same = await runOne(table, 'expect_table_columns_to_match_set', { column_set: ['ts', 'label', 'value', 'id'] });
    expect(same).toMatchObject({ success: true, result: { observed_value: ['id', 'label', 'ts', 'value'] } });
    expect(same.result).not.toHaveProperty('details');
    const both = await runOne(table, 'expect_table_columns_to_match_set', { column_set: ['zeta', 'id', 'alpha'] });
    expect(both).toMatchObject({ success: false });
    expect(both.result).toEqual({
      observed_value: ['id', 'label', 'ts', 'value'],
      details: { mismatched: { unexpected: ['label', 'ts', 'value'], missing: ['alpha', 'zeta'] } },
    });
    // A subset match passes with extra columns, and still says which ones (GX's docstring example).
    const subset = await runOne(table, 'expect_table_columns_to_match_set', { column_set: ['value'], exact_match: false });
    expect(subset).toMatchObject({ success: true });
    expect(subset.result).toEqual({
      observed_value: ['id', 'label', 'ts', 'value'],
      details: { mismatched: { unexpected: ['id', 'label', 'ts'] } },
    });
  });

  it('check that a column exists, at an index if given, without scanning', async () => {
    const result = await validateTable(table, [
      ['expect_column_to_exist', { column: 'label' }],
      ['expect_column_to_exist', { column: 'label', column_index: 2 }],
      ['expect_column_to_exist', { column: 'label', column_index: 0 }],
      ['expect_column_to_exist', { column: 'nope' }],
    ]);
    expect(result.results.map((r) => r.success)).toEqual([true, true, false, false]);
    expect(result.meta.scans).toBe(0);
  });
});

describe('expect_column_values_to_be_of_type', () => {
  const ofType = async (column: string, type_: string) => (await runOne(table, 'expect_column_values_to_be_of_type', { column, type_ })).success;

  it('reports the DuckDB type as the observed value', async () => {
    const r = await runOne(table, 'expect_column_values_to_be_of_type', { column: 'ts', type_: 'TIMESTAMP' });
    expect(r).toMatchObject({ success: false, result: { observed_value: 'TIMESTAMP WITH TIME ZONE' } });
  });

  it('accepts generic SQL, pandas and Python names for the family', async () => {
    for (const name of ['int', 'INTEGER', 'integer', 'int32', 'Int32', 'INT4']) expect(await ofType('id', name)).toBe(true);
    for (const name of ['float', 'FLOAT', 'DOUBLE', 'float64', 'double precision']) expect(await ofType('value', name)).toBe(true);
    for (const name of ['str', 'string', 'object', 'VARCHAR', 'TEXT']) expect(await ofType('label', name)).toBe(true);
    for (const name of ['TIMESTAMPTZ', 'datetime64[ns, UTC]', 'datetime']) expect(await ofType('ts', name)).toBe(true);
  });

  it('rejects other widths and families', async () => {
    for (const name of ['int64', 'BIGINT', 'float', 'str']) expect(await ofType('id', name)).toBe(false);
    for (const name of ['float32', 'REAL', 'int']) expect(await ofType('value', name)).toBe(false);
  });
});
