import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXPECTATION_TYPES } from './catalog.js';
import { loadSuite } from './load.js';
import { validateRelation } from './run.js';
import { assertValidResults, SUITE_SCHEMA } from './schemas.js';
import { withTable } from './test-support.js';

const SUITES_DIR = new URL('./suites/', import.meta.url);
const shipped = readdirSync(SUITES_DIR).filter((f) => f.endsWith('.json'));
const suitePath = (key: string) => fileURLToPath(new URL(`${key}.json`, SUITES_DIR));

/** Small well-formed tables shaped as each asset publishes them; `flaw` breaks one rule. */
const TABLES: Record<string, (flaw: boolean) => string> = {
  raw_nightscout_entries: (flaw) => `
    SELECT 's1' AS subject_id, CASE WHEN ${flaw} AND i = 1 THEN 'e0' ELSE 'e' || i END AS _id, 'sgv' AS type,
      (100 + i)::INTEGER AS sgv, 1700000000000 + i * 300000 AS date, '2023-11-14T22:13:20Z' AS date_string,
      'Flat' AS direction, 4 AS trend, 'xdrip' AS device, 0 AS utc_offset, '2023-11-14T22:13:20Z' AS sys_time,
      DATE '2023-11-14' AS local_date
    FROM range(5) r(i)`,
  stg_nightscout_glucose: (flaw) => `
    SELECT 's1' AS subject_id, 'e' || i AS entry_id, make_timestamptz(1700000000000000 + i * 300000000) AS reading_ts,
      CASE WHEN ${flaw} AND i = 2 THEN 10 ELSE 100 + i END::INTEGER AS sgv_mg_dl,
      CASE WHEN i = 3 THEN NULL ELSE 'Flat' END AS direction, 4 AS trend, 'xdrip' AS device, 0 AS utc_offset_min,
      DATE '2023-11-14' AS local_date
    FROM range(5) r(i)`,
  int_glucose_enriched: (flaw) => `
    SELECT 's1' AS subject_id, 'e' || i AS entry_id, make_timestamptz(1700000000000000 + i * 300000000) AS reading_ts,
      (DATE '2023-11-14') AS local_date, 22 AS local_hour, 2 AS day_of_week, (100 + i)::INTEGER AS sgv_mg_dl,
      CASE WHEN ${flaw} AND i = 1 THEN 'normal' ELSE 'in_range' END AS glucose_category,
      CASE WHEN i = 0 THEN NULL ELSE 5.0 END AS minutes_since_previous,
      CASE WHEN i = 0 THEN NULL ELSE 1.0 END AS delta_mg_dl, CASE WHEN i = 0 THEN NULL ELSE 0.2 END AS rate_mg_dl_per_min
    FROM range(5) r(i)`,
  dim_glucose_date: (flaw) => `
    SELECT 's1' AS subject_id, DATE '2023-11-10' + i::INTEGER AS local_date, 280 AS reading_count, 97.2 AS coverage_pct,
      140.0 AS mean_mg_dl, 40.0 AS sd_mg_dl, 28.6 AS cv_pct, 60 AS min_mg_dl, CASE WHEN ${flaw} AND i = 1 THEN 50 ELSE 250 END AS max_mg_dl,
      70.0 AS tir_pct, 4.0 AS tbr_pct, 1.0 AS tbr_level2_pct, 26.0 AS tar_pct, 5.0 AS tar_level2_pct, 6.66 AS gmi_pct
    FROM range(5) r(i)`,
};

describe('the shipped suites', () => {
  it('include one file per Nightscout asset', () => {
    expect(shipped).toEqual(expect.arrayContaining(Object.keys(TABLES).map((k) => `${k}.json`)));
  });

  it.each(shipped)('%s loads as a GX 1.x suite named after its asset', async (file) => {
    const suite = await loadSuite(fileURLToPath(new URL(file, SUITES_DIR)));
    expect(suite.format).toBe('gx1');
    expect(`${suite.name}.json`).toBe(file);
    expect(suite.expectations.length).toBeGreaterThan(0);
  });

  it.each(Object.entries(TABLES))('%s passes on well-formed rows and fails on a flawed one', async (key, table) => {
    const suite = await loadSuite(suitePath(key));
    const good = await withTable(table(false), (c) => validateRelation(c, 't', [suite]));
    expect(good.results.filter((r) => !r.success)).toEqual([]);
    assertValidResults(good);
    const bad = await withTable(table(true), (c) => validateRelation(c, 't', [suite]));
    expect(bad.results.filter((r) => !r.success && r.severity === 'error')).toHaveLength(1);
  });

  it('cover the seed’s nine checks', async () => {
    const all = await Promise.all(Object.keys(TABLES).map((k) => loadSuite(suitePath(k))));
    const has = (type: string, kwargs: Record<string, unknown>) =>
      all.some((s) => s.expectations.some((e) => e.type === type && Object.entries(kwargs).every(([k, v]) => JSON.stringify(e.kwargs[k]) === JSON.stringify(v))));
    expect(has('expect_column_values_to_not_be_null', { column: 'entry_id' })).toBe(true);
    expect(has('expect_column_values_to_not_be_null', { column: 'reading_ts' })).toBe(true);
    expect(has('expect_column_values_to_be_between', { column: 'sgv_mg_dl', min_value: 20, max_value: 600 })).toBe(true);
    expect(has('expect_column_values_to_be_in_set', { column: 'direction' })).toBe(true);
    expect(has('expect_column_values_to_be_in_set', { column: 'glucose_category' })).toBe(true);
    expect(has('expect_column_values_to_be_unique', { column: 'entry_id' })).toBe(true);
    expect(has('expect_compound_columns_to_be_unique', { column_list: ['subject_id', 'reading_ts'] })).toBe(true);
    for (const column of ['coverage_pct', 'tir_pct', 'tbr_pct', 'tbr_level2_pct', 'tar_pct', 'tar_level2_pct']) {
      expect(has('expect_column_values_to_be_between', { column, min_value: 0, max_value: 100 })).toBe(true);
    }
    expect(has('expect_table_row_count_to_be_between', { min_value: 1 })).toBe(true);
  });
});

describe('suite.schema.json', () => {
  it('describes the kwargs of exactly the expectation types the engine evaluates', () => {
    const defs = Object.keys(SUITE_SCHEMA['$defs'] as object).filter((k) => k.startsWith('kwargs_'));
    expect(defs.map((k) => k.slice('kwargs_'.length)).sort()).toEqual([...EXPECTATION_TYPES].sort());
  });
});
