import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineAsset, defineDefinitions, sql, ts } from '../framework/index.js';
import { quoteLiteral } from '../framework/sql.js';
import { withConnection } from '../engine/duckdb.js';
import { assetDir, publishedPath } from '../engine/lake.js';
import { validateEvent, type JobEvent } from '../lineage/index.js';
import { lakeDatasetName } from './naming.js';
import { declaredSources, latestPublishedParquet, publishedSchemas, staticLineageEvents } from './static-graph.js';

const readings = defineAsset({
  key: 'readings',
  layer: 'raw',
  description: 'Glucose readings',
  columns: { sgv: 'glucose, mg/dL' },
  owners: ['team:data'],
  compute: ts(async () => tableFromArrays({ sgv: Int32Array.from([100]) }), import.meta.url),
});
const daily = defineAsset({
  key: 'daily',
  layer: 'marts',
  compute: sql`select avg(sgv) as mean from ${readings}`,
});
const hourly = defineAsset({ key: 'sub/hourly', compute: sql`select sgv from ${readings}` });
const definitions = defineDefinitions({ name: 'static_test', assets: [readings, daily, hourly] });

let home: string;

async function writeParquet(path: string, select: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await withConnection((c) => c.run(`COPY (${select}) TO ${quoteLiteral(path)} (FORMAT parquet)`));
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'assay-static-'));
  await writeParquet(publishedPath(home, readings), 'select 120::INTEGER as sgv, TIMESTAMP \'2024-05-01 03:00\' as ts');
  // `daily` is partitioned: the file written last is the one whose columns count.
  const old = publishedPath(home, daily, '2024-05-01');
  await writeParquet(old, 'select 1.5::DOUBLE as old_mean');
  await utimes(old, new Date('2024-05-01T00:00:00Z'), new Date('2024-05-01T00:00:00Z'));
  await writeParquet(publishedPath(home, daily, '2024-05-02'), 'select 1.5::DOUBLE as mean, 3::BIGINT as n');
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('static lineage events', () => {
  it('finds the latest published Parquet file of an asset, partitioned or not, and nothing for an unpublished one', async () => {
    expect(await latestPublishedParquet(home, readings)).toBe(publishedPath(home, readings));
    expect(await latestPublishedParquet(home, daily)).toBe(publishedPath(home, daily, '2024-05-02'));
    expect(await latestPublishedParquet(home, hourly)).toBeUndefined();
  });

  it('builds one valid job event for the graph job and one per asset with its datasets and published schemas', async () => {
    const ctx = { definitions, home, namespace: 'assay' };
    const events = staticLineageEvents(ctx, await publishedSchemas(ctx));
    for (const event of events) validateEvent(event);
    expect(events.every((e) => !('run' in e) && e.schemaURL.endsWith('#/$defs/JobEvent'))).toBe(true);
    expect(events.map((e) => e.job.name)).toEqual([
      'static_test',
      'static_test.readings',
      'static_test.daily',
      'static_test.sub/hourly',
    ]);
    const [graph, readingsJob, dailyJob, hourlyJob] = events as [JobEvent, JobEvent, JobEvent, JobEvent];
    expect(graph.job.facets?.jobType).toMatchObject({ processingType: 'BATCH', integration: 'ASSAY', jobType: 'GRAPH' });
    expect(graph.inputs).toEqual([]);
    expect(graph.outputs).toEqual([]);

    // Job facets, as the asset's runs report them.
    expect(readingsJob.job.facets?.jobType).toMatchObject({ processingType: 'BATCH', integration: 'ASSAY', jobType: 'ASSET' });
    expect(readingsJob.job.facets?.sql).toBeUndefined();
    expect(readingsJob.job.facets?.sourceCodeLocation).toMatchObject({ type: 'file', url: import.meta.url });
    expect(readingsJob.job.facets?.documentation?.description).toBe('Glucose readings');
    expect(readingsJob.job.facets?.ownership?.owners).toEqual([{ name: 'team:data' }]);
    expect(dailyJob.job.facets?.sql).toMatchObject({ dialect: 'duckdb' });

    // Datasets: lake folders (namespace the layer folder, name the key), columns from the latest published Parquet,
    // none for an unpublished asset.
    const readingsDataset = lakeDatasetName({ home, layer: 'raw', key: 'readings' });
    expect(readingsJob.inputs).toEqual([]);
    expect(readingsJob.outputs).toHaveLength(1);
    expect(readingsJob.outputs[0]).toMatchObject(readingsDataset);
    expect(readingsJob.outputs[0]!.facets?.schema?.fields).toEqual([
      { name: 'sgv', type: 'INTEGER', description: 'glucose, mg/dL' },
      { name: 'ts', type: 'TIMESTAMP' },
    ]);
    expect(readingsJob.outputs[0]!.facets?.documentation?.description).toBe('Glucose readings');
    expect(readingsJob.outputs[0]!.outputFacets).toBeUndefined();

    expect(dailyJob.inputs.map((d) => ({ namespace: d.namespace, name: d.name }))).toEqual([readingsDataset]);
    expect(dailyJob.inputs[0]!.facets?.schema?.fields.map((f) => f.name)).toEqual(['sgv', 'ts']);
    expect(dailyJob.outputs[0]!.name).toBe('daily');
    expect(dailyJob.outputs[0]!.facets?.schema?.fields).toEqual([
      { name: 'mean', type: 'DOUBLE' },
      { name: 'n', type: 'BIGINT' },
    ]);

    expect(hourlyJob.inputs.map((d) => d.name)).toEqual(['readings']);
    expect(hourlyJob.outputs[0]!.name).toBe('sub/hourly');
    expect(hourlyJob.outputs[0]!.facets?.schema).toBeUndefined();
    expect(hourlyJob.outputs[0]!.facets).toHaveProperty('dataSource');
    expect(hourlyJob.outputs[0]!.facets).toHaveProperty('storage');
  });

  it('gives every event the time it is given, so one publication is one instant', () => {
    const at = new Date('2024-06-01T12:00:00.000Z');
    const events = staticLineageEvents({ definitions, home, namespace: 'prod' }, new Map(), at);
    expect(new Set(events.map((e) => e.eventTime))).toEqual(new Set([at.toISOString()]));
    expect(new Set(events.map((e) => e.job.namespace))).toEqual(new Set(['prod']));
  });

  it('names each raw asset’s external sources as its inputs, by the naming spec and without credentials', async () => {
    const site = defineAsset({
      key: 'site_entries',
      layer: 'raw',
      sources: (config) => [
        { kind: 'http', url: `https://alice:${config.env.SECRET}@ns.example.org/api/v1/entries.json?token=${config.env.SECRET}` },
        { kind: 'file', path: '/drops/dailyActivity_merged.csv' },
      ],
      compute: ts(async () => tableFromArrays({ n: Int32Array.from([1]) })),
    });
    const withSources = defineDefinitions({ name: 'sources_test', assets: [site] });
    const ctx = { definitions: withSources, home, namespace: 'assay' };
    const config = { home, env: { SECRET: 's3cr3t-value' }, settings: {}, settingsFile: join(home, 'assay.config.json') };
    const events = staticLineageEvents(ctx, new Map(), new Date(), await declaredSources(ctx, config));
    for (const event of events) validateEvent(event);
    expect(events[1]!.inputs.map((d) => ({ namespace: d.namespace, name: d.name }))).toEqual([
      { namespace: 'https://ns.example.org', name: '/api/v1/entries.json' },
      { namespace: 'file', name: '/drops/dailyActivity_merged.csv' },
    ]);
    expect(JSON.stringify(events)).not.toContain('s3cr3t-value');
  });
});
