import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRefs } from '../framework/sql-refs.js';
import {
  ColumnLineageError,
  columnLineageFromSql,
  declaredColumnLineage,
  type ColumnLineageInput,
} from './column-lineage.js';
import { outputDataset } from './datasets.js';
import type { ColumnLineageDatasetFacet, ColumnLineageInputField, ColumnTransformation } from './model.js';
import { assetComplete } from './test-support/sample-events.js';
import { validateEvent } from './validate.js';

const MODELS = new URL('../assets/nightscout/', import.meta.url);
/** The glucose models, upstream first. */
const CHAIN = [
  'stg_nightscout_glucose',
  'int_glucose_enriched',
  'fact_glucose_readings',
  'dim_glucose_date',
  'mart_glucose_hourly_patterns',
  'mart_glucose_overview',
] as const;

let instance: DuckDBInstance;
let connection: DuckDBConnection;
let dir: string;

const parquet = (key: string) => `read_parquet('${join(dir, `${key}.parquet`)}')`;
const dataset = (key: string) => ({ namespace: 'file', name: `/lake/${key}` });
const modelSql = (key: string) => readFileSync(new URL(`${key}.sql`, MODELS), 'utf8');
/** The partition variables of the fixture's two days (UTC), as the engine gives a single run over them. */
const VARIABLES = {
  partition_key: "'2024-05-01'",
  partition_start: "'2024-05-01T00:00:00Z'::TIMESTAMPTZ",
  partition_end: "'2024-05-03T00:00:00Z'::TIMESTAMPTZ",
  timezone: "'UTC'",
};
/** A model's SQL with `{{ ref('x') }}` read from x's Parquet file, as the engine runs it. */
const compiled = (key: string) => resolveRefs(modelSql(key), parquet, VARIABLES);
/** The keys a model's SQL refs, found by the framework's own ref scanner. */
function refsOf(key: string): string[] {
  const keys: string[] = [];
  resolveRefs(
    modelSql(key),
    (ref) => {
      keys.push(ref);
      return ref;
    },
    VARIABLES,
  );
  return keys;
}

async function columnsOf(key: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(`describe select * from ${parquet(key)}`);
  return reader.getRows().map((row) => String(row[0]));
}

async function lineageOf(key: string): Promise<ColumnLineageDatasetFacet> {
  const inputs: ColumnLineageInput[] = refsOf(key).map((ref) => ({ relation: parquet(ref), dataset: dataset(ref) }));
  return columnLineageFromSql(connection, compiled(key), inputs, await columnsOf(key));
}

const DIRECT = (subtype: 'IDENTITY' | 'TRANSFORMATION' | 'AGGREGATION'): ColumnTransformation => ({
  type: 'DIRECT',
  subtype,
  masking: false,
});
const INDIRECT = (subtype: ColumnTransformation['subtype']): ColumnTransformation => ({ type: 'INDIRECT', subtype });
const from = (key: string, field: string, ...transformations: ColumnTransformation[]): ColumnLineageInputField => ({
  ...dataset(key),
  field,
  transformations,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assay-column-lineage-'));
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  // raw_nightscout_entries' columns, with a few readings of two subjects over two days.
  await connection.run(`copy (
    select *, make_timestamptz(date * 1000)::DATE as local_date from (values
      ('alice', 'a1', 'sgv', 110, 1714521600000, 'Flat', 0, 'xdrip', 120),
      ('alice', 'a2', 'sgv', 190, 1714521900000, 'FortyFiveUp', 1, 'xdrip', 120),
      ('alice', 'a3', 'mbg', 150, 1714522200000, null, null, 'meter', 120),
      ('alice', 'a4', 'sgv', 60, 1714608000000, 'Down', -2, 'xdrip', 120),
      ('bob', 'b1', 'sgv', 140, 1714521600000, 'Flat', 0, 'loop', null),
      ('bob', 'b2', 'sgv', 140, 1714521600000, 'Flat', 0, 'loop', null)
    ) t(subject_id, _id, type, sgv, date, direction, trend, device, utc_offset)
  ) to '${join(dir, 'raw_nightscout_entries.parquet')}'`);
  for (const key of CHAIN) await connection.run(`copy (${compiled(key)}) to '${join(dir, `${key}.parquet`)}'`);
});

afterAll(async () => {
  connection?.closeSync();
  instance?.closeSync();
  await rm(dir, { recursive: true, force: true });
});

describe('columnLineageFromSql on the nightscout models', () => {
  it('dim_glucose_date: group keys are copied, metrics aggregate sgv_mg_dl, counts read no column', async () => {
    const facet = await lineageOf('dim_glucose_date');
    const fact = 'fact_glucose_readings';
    expect(facet.fields.subject_id!.inputFields).toEqual([from(fact, 'subject_id', DIRECT('IDENTITY'))]);
    expect(facet.fields.local_date!.inputFields).toEqual([from(fact, 'local_date', DIRECT('IDENTITY'))]);
    expect(facet.fields.mean_mg_dl!.inputFields).toEqual([from(fact, 'sgv_mg_dl', DIRECT('AGGREGATION'))]);
    expect(facet.fields.sd_mg_dl!.inputFields).toEqual([from(fact, 'sgv_mg_dl', DIRECT('AGGREGATION'))]);
    // 100 * sd / mean, computed in a later CTE from two aggregates: still an aggregation of sgv_mg_dl.
    expect(facet.fields.cv_pct!.inputFields).toEqual([from(fact, 'sgv_mg_dl', DIRECT('AGGREGATION'))]);
    expect(facet.fields.gmi_pct!.inputFields).toEqual([from(fact, 'sgv_mg_dl', DIRECT('AGGREGATION'))]);
    // count(*) counts the group's rows: no column's value flows into it.
    expect(facet.fields.reading_count!.inputFields).toEqual([]);
    expect(facet.fields.coverage_pct!.inputFields).toEqual([]);
    // count(*) filter (where sgv_mg_dl between 70 and 180): sgv_mg_dl decides which rows are counted.
    expect(facet.fields.tir_pct!.inputFields).toEqual([from(fact, 'sgv_mg_dl', INDIRECT('FILTER'))]);
    expect(facet.dataset).toEqual([
      from(fact, 'local_date', INDIRECT('GROUP_BY'), INDIRECT('SORT')),
      from(fact, 'subject_id', INDIRECT('GROUP_BY'), INDIRECT('SORT')),
    ]);
    expect(Object.keys(facet.fields)).toEqual(await columnsOf('dim_glucose_date'));
  });

  it('stg_nightscout_glucose: renames and casts, with the type filter and the qualify dedup as dataset inputs', async () => {
    const facet = await lineageOf('stg_nightscout_glucose');
    const raw = 'raw_nightscout_entries';
    expect(facet.fields.entry_id!.inputFields).toEqual([from(raw, '_id', DIRECT('IDENTITY'))]);
    expect(facet.fields.reading_ts!.inputFields).toEqual([from(raw, 'date', DIRECT('TRANSFORMATION'))]);
    expect(facet.fields.sgv_mg_dl!.inputFields).toEqual([from(raw, 'sgv', DIRECT('TRANSFORMATION'))]);
    expect(facet.fields.utc_offset_min!.inputFields).toEqual([from(raw, 'utc_offset', DIRECT('TRANSFORMATION'))]);
    expect(facet.fields.device!.inputFields).toEqual([from(raw, 'device', DIRECT('IDENTITY'))]);
    expect(facet.dataset).toEqual([
      from(raw, '_id', INDIRECT('FILTER')),
      from(raw, 'date', INDIRECT('FILTER'), INDIRECT('SORT')),
      from(raw, 'sgv', INDIRECT('FILTER')),
      from(raw, 'subject_id', INDIRECT('FILTER'), INDIRECT('SORT')),
      from(raw, 'type', INDIRECT('FILTER')),
    ]);
  });

  it('int_glucose_enriched: window functions depend on their partition and order, case conditions are CONDITIONAL', async () => {
    const facet = await lineageOf('int_glucose_enriched');
    const stg = 'stg_nightscout_glucose';
    // timezone({{ timezone }}, reading_ts)::date: the local date in the partitions' time zone.
    expect(facet.fields.local_date!.inputFields).toEqual([from(stg, 'reading_ts', DIRECT('TRANSFORMATION'))]);
    // (reading_ms - lag(reading_ms) over (partition by subject_id order by reading_ts)) / 60000.0
    expect(facet.fields.minutes_since_previous!.inputFields).toEqual([
      from(stg, 'reading_ts', DIRECT('TRANSFORMATION'), INDIRECT('WINDOW')),
      from(stg, 'subject_id', INDIRECT('WINDOW')),
    ]);
    // case when sgv_mg_dl < 54 then 'very_low' …: only the conditions read sgv_mg_dl.
    expect(facet.fields.glucose_category!.inputFields).toEqual([from(stg, 'sgv_mg_dl', INDIRECT('CONDITIONAL'))]);
    expect(facet.fields.delta_mg_dl!.inputFields).toEqual([
      from(stg, 'reading_ts', INDIRECT('CONDITIONAL'), INDIRECT('WINDOW')),
      from(stg, 'sgv_mg_dl', DIRECT('TRANSFORMATION')),
      from(stg, 'subject_id', INDIRECT('CONDITIONAL'), INDIRECT('WINDOW')),
    ]);
    expect(facet.fields.trend!.inputFields).toEqual([from(stg, 'trend', DIRECT('IDENTITY'))]);
  });

  it('fact_glucose_readings: select * from final passes every column through', async () => {
    const facet = await lineageOf('fact_glucose_readings');
    const int = 'int_glucose_enriched';
    expect(facet.fields.sgv_mg_dl!.inputFields).toEqual([from(int, 'sgv_mg_dl', DIRECT('IDENTITY'))]);
    expect(facet.fields.is_in_range!.inputFields).toEqual([from(int, 'sgv_mg_dl', DIRECT('TRANSFORMATION'))]);
    expect(facet.dataset).toBeUndefined();
    expect(Object.keys(facet.fields)).toHaveLength((await columnsOf('fact_glucose_readings')).length);
  });

  it('mart_glucose_overview: a self-join on the dimension, rolling windows, and r.* expansion', async () => {
    const facet = await lineageOf('mart_glucose_overview');
    const dim = 'dim_glucose_date';
    expect(facet.fields.tbr_pct!.inputFields).toEqual([from(dim, 'tbr_pct', DIRECT('IDENTITY'))]);
    expect(facet.fields.mean_change_mg_dl!.inputFields).toEqual([from(dim, 'mean_mg_dl', DIRECT('TRANSFORMATION'))]);
    expect(facet.fields.rolling_7d_gmi_pct!.inputFields).toEqual([
      from(dim, 'local_date', INDIRECT('WINDOW')),
      from(dim, 'mean_mg_dl', DIRECT('AGGREGATION')),
      from(dim, 'reading_count', DIRECT('AGGREGATION')),
      from(dim, 'subject_id', INDIRECT('WINDOW')),
    ]);
    // The partition's own days are kept (`where local_date >= … and local_date < …`): local_date filters too.
    expect(facet.dataset).toEqual([
      from(dim, 'local_date', INDIRECT('FILTER'), INDIRECT('JOIN'), INDIRECT('SORT')),
      from(dim, 'subject_id', INDIRECT('JOIN'), INDIRECT('SORT')),
    ]);
  });

  it('mart_glucose_hourly_patterns: quantiles aggregate, the filter of a count is per column', async () => {
    const facet = await lineageOf('mart_glucose_hourly_patterns');
    const fact = 'fact_glucose_readings';
    expect(facet.fields.median_mg_dl!.inputFields).toEqual([from(fact, 'sgv_mg_dl', DIRECT('AGGREGATION'))]);
    expect(facet.fields.tir_pct!.inputFields).toEqual([from(fact, 'is_in_range', INDIRECT('FILTER'))]);
    expect(facet.fields.local_hour!.inputFields).toEqual([from(fact, 'local_hour', DIRECT('IDENTITY'))]);
  });

  it('gives a facet that is valid, on the output next to its schema, against the spec and Assay schema', async () => {
    const complete = assetComplete();
    const output = complete.outputs[0]!;
    const columnLineage = await lineageOf('dim_glucose_date');
    const withLineage = outputDataset({ ...output, facets: { ...output.facets, columnLineage } }, output.outputFacets);
    const event = { ...complete, outputs: [withLineage] };
    expect(() => validateEvent(JSON.parse(JSON.stringify(event)))).not.toThrow();
  });
});

describe('columnLineageFromSql on smaller queries', () => {
  const input = (columns?: string[]): ColumnLineageInput => ({
    relation: parquet('fact_glucose_readings'),
    dataset: dataset('fact'),
    ...(columns ? { columns } : {}),
  });
  const fields = async (sql: string, outputs: string[], inputs = [input()]) =>
    Object.fromEntries(
      Object.entries((await columnLineageFromSql(connection, sql, inputs, outputs)).fields).map(([k, v]) => [
        k,
        v.inputFields.map((f) => `${f.field}:${f.transformations.map((t) => t.subtype).join('+')}`),
      ]),
    );

  it('recognises an input however the query spells its relation', async () => {
    const sql = `select sgv_mg_dl from READ_PARQUET( '${join(dir, 'fact_glucose_readings.parquet')}' ) as f`;
    expect(await fields(sql, ['sgv_mg_dl'])).toEqual({ sgv_mg_dl: ['sgv_mg_dl:IDENTITY'] });
  });

  it('expands * with EXCLUDE and REPLACE, using the declared input columns', async () => {
    const sql = `select * exclude (b) replace (a * 2 as a) from ${parquet('fact_glucose_readings')}`;
    expect(await fields(sql, ['a', 'c'], [input(['a', 'b', 'c'])])).toEqual({
      a: ['a:TRANSFORMATION'],
      c: ['c:IDENTITY'],
    });
  });

  it('follows lateral aliases, scalar subqueries and unions', async () => {
    const fact = parquet('fact_glucose_readings');
    const sql = `
      select sgv_mg_dl + 1 as s1, s1 * 2 as s2, (select max(delta_mg_dl) from ${fact}) as top from ${fact}
      union all
      select direction, direction, device from ${fact}`;
    const result = await fields(sql, ['s1', 's2', 'top']);
    expect(result.s2).toEqual(['direction:IDENTITY', 'sgv_mg_dl:TRANSFORMATION']);
    expect(result.top).toEqual(['delta_mg_dl:AGGREGATION', 'device:IDENTITY']);
  });

  it('masks hashed values', async () => {
    const sql = `select md5(device) as d from ${parquet('fact_glucose_readings')}`;
    const facet = await columnLineageFromSql(connection, sql, [input()], ['d']);
    expect(facet.fields.d!.inputFields[0]!.transformations).toEqual([
      { type: 'DIRECT', subtype: 'TRANSFORMATION', masking: true },
    ]);
  });

  it('puts dataset-wide inputs into every field when asked', async () => {
    const sql = `select device from ${parquet('fact_glucose_readings')} where sgv_mg_dl > 70`;
    const facet = await columnLineageFromSql(connection, sql, [input()], ['device'], { indirect: 'fields' });
    expect(facet.dataset).toBeUndefined();
    expect(facet.fields.device!.inputFields.map((f) => f.field)).toEqual(['device', 'sgv_mg_dl']);
  });

  it('refuses what it cannot trace instead of guessing', async () => {
    const fact = parquet('fact_glucose_readings');
    const lineage = (sql: string, inputs: ColumnLineageInput[], outputs: string[]) =>
      columnLineageFromSql(connection, sql, inputs, outputs);
    await expect(lineage(`select nope from ${fact}`, [input()], ['nope'])).rejects.toThrow(ColumnLineageError);
    await expect(lineage('create table x as select 1', [], ['x'])).rejects.toThrow(/serialize/);
    await expect(lineage('select * from range(3)', [], ['range'])).rejects.toThrow(ColumnLineageError);
    await expect(lineage('select * from missing_table', [], ['x'])).rejects.toThrow(/neither a CTE/);
  });
});

describe('declaredColumnLineage', () => {
  const inputs = { raw: { namespace: 'https://alice.example.org', name: '/api/v1/entries.json' } };

  it('turns a TypeScript asset\'s declaration into the facet, IDENTITY unless said otherwise', () => {
    const facet = declaredColumnLineage(
      {
        fields: {
          sgv: [{ input: 'raw', field: 'sgv' }],
          date: [{ input: 'raw', field: 'date', transformation: 'TRANSFORMATION' }],
        },
        dataset: [{ input: 'raw', field: 'type', transformation: { type: 'INDIRECT', subtype: 'FILTER' } }],
      },
      inputs,
    );
    expect(facet.fields.sgv!.inputFields).toEqual([
      { ...inputs.raw, field: 'sgv', transformations: [{ type: 'DIRECT', subtype: 'IDENTITY', masking: false }] },
    ]);
    expect(facet.fields.date!.inputFields[0]!.transformations[0]!.subtype).toBe('TRANSFORMATION');
    expect(facet.dataset).toEqual([{ ...inputs.raw, field: 'type', transformations: [{ type: 'INDIRECT', subtype: 'FILTER' }] }]);
  });

  it('refuses a source that is not an input', () => {
    expect(() => declaredColumnLineage({ fields: { x: [{ input: 'nope', field: 'x' }] } }, inputs)).toThrow(/'nope'/);
  });
});
