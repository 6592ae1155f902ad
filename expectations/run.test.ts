import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../framework/sql.js';
import { InvalidDataError, InvalidDocumentError, SqlError } from '../framework/errors.js';
import { loadSuite } from './load.js';
import { validateFile, validateRelation } from './run.js';
import { assertValidResults } from './schemas.js';
import { suiteOf, validateTable, withTable } from './test-support.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Rows shaped like staging glucose, with one flaw of each kind when `flawed`. */
const readings = (flawed: boolean) => `
  SELECT
    'subject_' || (i % 3) AS subject_id,
    CASE WHEN ${flawed} AND i = 7 THEN 'not-hex' ELSE substr(md5(i::VARCHAR), 1, 24) END AS entry_id,
    make_timestamptz(1700000000000000 + (CASE WHEN ${flawed} AND i = 9 THEN 6 ELSE i END // 3) * 300000000) AS reading_ts,
    CASE WHEN ${flawed} AND i = 5 THEN 900 ELSE (60 + i % 200)::INTEGER END AS sgv_mg_dl,
    CASE WHEN ${flawed} AND i = 3 THEN 'Sideways' ELSE 'Flat' END AS direction,
    ((i % 21) - 10) / 2.0 AS rate
  FROM range(1000) r(i)`;

describe('validateRelation', () => {
  it('evaluates a 15-expectation suite in one scan when everything passes', async () => {
    const suite = await loadSuite(fixture('fifteen_expectations.json'));
    expect(suite.expectations).toHaveLength(15);
    const result = await withTable(readings(false), (c) => validateRelation(c, 't', [suite]));
    expect(result.statistics).toEqual({
      evaluated_expectations: 15,
      successful_expectations: 15,
      unsuccessful_expectations: 0,
      success_percent: 100,
    });
    expect(result.meta.scans).toBe(1);
    assertValidResults(result);
  });

  it('needs at most two scans for the same suite when expectations fail', async () => {
    const suite = await loadSuite(fixture('fifteen_expectations.json'));
    const result = await withTable(readings(true), (c) => validateRelation(c, 't', [suite]));
    expect(result.success).toBe(false);
    expect(result.meta.scans).toBe(2);
    const failed = result.results.filter((r) => !r.success).map((r) => [r.expectation_config.type, r.result.partial_unexpected_list]);
    expect(failed).toEqual([
      ['expect_column_values_to_be_between', [900]],
      ['expect_column_values_to_be_in_set', ['Sideways']],
      ['expect_column_values_to_match_regex', ['not-hex']],
      [
        'expect_compound_columns_to_be_unique',
        [
          { subject_id: 'subject_0', reading_ts: '2023-11-14 22:23:20+00' },
          { subject_id: 'subject_0', reading_ts: '2023-11-14 22:23:20+00' },
        ],
      ],
      ['expect_column_max_to_be_between', undefined],
    ]);
    assertValidResults(result);
  });

  it('validates several suites against the same table in the same scans, naming each result’s suite', async () => {
    const legacy = await loadSuite(fixture('legacy_suite.json'));
    const gx1 = await loadSuite(fixture('gx1_suite.json'));
    const table = "SELECT * FROM (VALUES (1, 100, 180, 90, 'Flat'), (2, 700, 120, 110, 'Sideways')) v(id, sgv, max_sgv, min_sgv, direction)";
    const result = await withTable(table, (c) => validateRelation(c, 't', [legacy, gx1]));
    expect(result.meta.suite_names).toEqual(['legacy_readings', 'gx1_readings']);
    expect(result.meta.scans).toBe(2);
    expect(result.results.map((r) => [r.suite_name, r.expectation_config.type, r.success, r.severity])).toEqual([
      ['legacy_readings', 'expect_column_values_to_not_be_null', true, 'error'],
      ['legacy_readings', 'expect_column_values_to_be_between', false, 'warn'],
      ['legacy_readings', 'expect_column_pair_values_A_to_be_greater_than_B', true, 'error'],
      ['gx1_readings', 'expect_column_values_to_not_be_null', true, 'error'],
      ['gx1_readings', 'expect_column_values_to_be_in_set', false, 'warn'],
      ['gx1_readings', 'expect_column_values_to_be_unique', true, 'warn'],
      ['gx1_readings', 'expect_column_mean_to_be_between', false, 'warn'],
    ]);
    expect(result.results[3]?.expectation_config).toEqual({
      type: 'expect_column_values_to_not_be_null',
      kwargs: { column: 'id' },
      meta: {},
      id: '6d3c8f1e-0000-4000-8000-000000000002',
    });
    assertValidResults(result);
  });

  it('refuses an unknown column, naming suite, pointer, the closest column and all columns', async () => {
    const suite = suiteOf([
      ['expect_column_values_to_not_be_null', { column: 'id' }],
      ['expect_column_values_to_be_between', { column: 'sgvv', min_value: 0 }],
    ]);
    const error = await withTable('SELECT 1 AS id, 2 AS sgv', (c) => validateRelation(c, 't', [suite])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDocumentError);
    expect((error as Error).message).toBe(
      "test_suite.json: /expectations/1/kwargs/column (expect_column_values_to_be_between) names column 'sgvv', " +
        "which does not exist in t; did you mean 'sgv'?; its columns are id, sgv",
    );
  });

  it('refuses an unknown column inside a compound key with its index in the pointer', async () => {
    await expect(
      validateTable('SELECT 1 AS a', [['expect_compound_columns_to_be_unique', { column_list: ['a', 'b'] }]]),
    ).rejects.toThrow("/expectations/0/kwargs/column_list/1 (expect_compound_columns_to_be_unique) names column 'b', which does not exist");
  });

  it('reports a relation it cannot read as a SqlError', async () => {
    await expect(withTable('SELECT 1 AS a', (c) => validateRelation(c, 'missing_table', [suiteOf([])]))).rejects.toBeInstanceOf(SqlError);
  });

  it('runs no query for an empty suite and reports null success_percent', async () => {
    const result = await validateTable('SELECT 1 AS a', []);
    expect(result).toMatchObject({ success: true, statistics: { evaluated_expectations: 0, success_percent: null }, meta: { scans: 0 } });
    assertValidResults(result);
  });
});

describe('validateFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assay-expectations-'));
    await withTable(readings(false), async (c) => {
      await c.run(`COPY t TO ${quoteLiteral(join(dir, 'readings.parquet'))} (FORMAT parquet)`);
      await c.run(`COPY (SELECT subject_id, sgv_mg_dl, direction FROM t) TO ${quoteLiteral(join(dir, 'readings.csv'))} (FORMAT csv)`);
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('validates a Parquet file against suite files', async () => {
    const result = await validateFile(join(dir, 'readings.parquet'), [fixture('fifteen_expectations.json')]);
    expect(result).toMatchObject({ success: true, meta: { scans: 1, relation: `read_parquet(${quoteLiteral(join(dir, 'readings.parquet'))}, hive_partitioning = false)` } });
    assertValidResults(result);
  });

  it('validates a CSV file', async () => {
    const suite = join(dir, 'csv_suite.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      suite,
      JSON.stringify({
        name: 'csv',
        expectations: [
          { type: 'expect_column_values_to_be_between', kwargs: { column: 'sgv_mg_dl', min_value: 20, max_value: 600 } },
          { type: 'expect_column_values_to_be_of_type', kwargs: { column: 'sgv_mg_dl', type_: 'int' } },
        ],
      }),
    );
    const result = await validateFile(join(dir, 'readings.csv'), [suite]);
    expect(result.results.map((r) => r.success)).toEqual([true, true]);
  });

  it('reports a missing data file as InvalidDataError and an unknown extension too', async () => {
    await expect(validateFile(join(dir, 'nope.parquet'), [fixture('gx1_suite.json')])).rejects.toBeInstanceOf(InvalidDataError);
    await expect(validateFile(join(dir, 'readings.xlsx'), [fixture('gx1_suite.json')])).rejects.toThrow('expected a .parquet or .csv file');
  });
});
