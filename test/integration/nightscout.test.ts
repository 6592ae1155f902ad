import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nightscoutAssets } from '../../assets/nightscout/assets.js';
import { defineDefinitions } from '../../framework/index.js';
import { readAsset } from '../../engine/testing.js';
import { hashApiSecret } from '../../sources/nightscout/client.js';
import type { ColumnLineageDatasetFacet, RunEvent } from '../../lineage/index.js';
import { lakeDatasetName } from '../../lineage/naming.js';
import { startSimulator, type NightscoutSimulator } from '../../samples/nightscout-simulator/index.js';
import { startTestWorker, type TestWorker } from './harness.js';

const definitions = defineDefinitions({ assets: nightscoutAssets });
let simulator: NightscoutSimulator;
let worker: TestWorker | undefined;
/** The environment of the test workers: the simulator's sites and their secret. */
let env: Record<string, string>;

beforeAll(async () => {
  simulator = await startSimulator({ subjects: 2, days: 3, seed: 7, apiSecret: 'test-secret-0123' });
  env = {
    NIGHTSCOUT_URL: simulator.sites.map((s) => `${s.subjectId}=${s.baseUrl}`).join(','),
    NIGHTSCOUT_API_SECRET: 'test-secret-0123',
  };
});
afterAll(async () => {
  await simulator.close();
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  simulator.setFaults({});
});

describe('the Nightscout graph on a real Temporal server', () => {
  it('materializes every asset from the simulator, through the authenticated API', async () => {
    worker = await startTestWorker(definitions, { env });
    // The simulator's 3 days end on 2025-01-01: one run over those day partitions.
    const result = await worker.run({ selection: 'group:nightscout', range: { from: '2024-12-29', to: '2024-12-31' } });
    expect(result.status).toBe('success');
    expect(result.assets.map((a) => a.key)).toEqual([
      'raw_nightscout_entries',
      'stg_nightscout_glucose',
      'int_glucose_enriched',
      'fact_glucose_readings',
      'dim_glucose_date',
      'mart_glucose_hourly_patterns',
      'mart_glucose_overview',
    ]);
    const served = simulator.subjects.flatMap((s) => simulator.entries(s));
    const raw = result.assets[0]!;
    expect(raw.rows).toBe(new Set(served.map((e) => e._id)).size);
    const sgvTimes = new Set(
      served
        .filter((e) => e.type === 'sgv' && typeof e.sgv === 'number' && e.sgv >= 20 && e.sgv <= 600)
        .map((e) => `${String((e as { subject?: string }).subject ?? '')}${e.date}`),
    );
    expect(result.assets[1]!.rows).toBeGreaterThan(0);
    expect(result.assets[1]!.rows).toBeLessThanOrEqual(sgvTimes.size);
    const days = await readAsset(worker.home, nightscoutAssets[4]!);
    expect(new Set(days.map((d) => d.subject_id))).toEqual(new Set(simulator.subjects));
    for (const day of days) {
      expect(Number(day.tir_pct) + Number(day.tbr_pct) + Number(day.tar_pct)).toBeCloseTo(100, 6);
    }

    // Lineage: the raw asset's inputs are the sites' entries endpoints (no credentials anywhere), and the daily
    // dimension's columns are traced to the fact table's.
    const events = await lineageWhen(worker.home, (all) => all.some((e) => e.job.name === 'assay' && e.eventType === 'COMPLETE'));
    const completeOf = (key: string) => events.find((e) => e.job.name === `assay.${key}` && e.eventType === 'COMPLETE')!;
    expect(completeOf('raw_nightscout_entries').inputs.map((d) => `${d.namespace} ${d.name}`).sort()).toEqual(
      simulator.sites.map((site) => `${new URL(site.baseUrl).origin} ${new URL(site.baseUrl).pathname}/api/v1/entries.json`).sort(),
    );
    expect(JSON.stringify(events)).not.toContain('test-secret-0123');
    expect(JSON.stringify(events)).not.toContain(hashApiSecret('test-secret-0123'));
    const fact = lakeDatasetName({ home: worker.home, layer: 'curated', key: 'fact_glucose_readings' });
    const lineage = completeOf('dim_glucose_date').outputs[0]!.facets!.columnLineage as ColumnLineageDatasetFacet;
    const from = (field: string, type: 'DIRECT' | 'INDIRECT', subtype: string) => ({
      ...fact,
      field,
      transformations: [{ type, subtype, ...(type === 'DIRECT' ? { masking: false } : {}) }],
    });
    expect(lineage.fields.subject_id!.inputFields).toEqual([from('subject_id', 'DIRECT', 'IDENTITY')]);
    expect(lineage.fields.local_date!.inputFields).toEqual([from('local_date', 'DIRECT', 'IDENTITY')]);
    expect(lineage.fields.mean_mg_dl!.inputFields).toEqual([from('sgv_mg_dl', 'DIRECT', 'AGGREGATION')]);
    expect(lineage.fields.sd_mg_dl!.inputFields).toEqual([from('sgv_mg_dl', 'DIRECT', 'AGGREGATION')]);
    expect(lineage.fields.min_mg_dl!.inputFields).toEqual([from('sgv_mg_dl', 'DIRECT', 'AGGREGATION')]);
    expect(lineage.fields.gmi_pct!.inputFields).toEqual([from('sgv_mg_dl', 'DIRECT', 'AGGREGATION')]);
    expect(lineage.fields.tir_pct!.inputFields).toEqual([from('sgv_mg_dl', 'INDIRECT', 'FILTER')]);
    // The SQL facet is the SQL that ran: its refs resolved to the fact table's day files.
    const sqlRan = (completeOf('dim_glucose_date').job.facets!.sql as { query: string }).query;
    expect(sqlRan).toContain('fact_glucose_readings/date=2024-12-31/data.parquet');
  });

  it('retries a flaky Nightscout site (HTTP 503) until it answers', async () => {
    simulator.setFaults({ failFirst: 3, failStatus: 503 });
    worker = await startTestWorker(definitions, { env: { ...env, NIGHTSCOUT_HTTP_RETRIES: '1' } });
    const before = simulator.requestLog.length;
    const result = await worker.run({ selection: 'raw_nightscout_entries', partition: '2024-12-31' });
    expect(result.status).toBe('success');
    const statuses = simulator.requestLog.slice(before).map((r) => r.status);
    expect(statuses.slice(0, 3)).toEqual([503, 503, 503]);
  });

  it('fails at once, without retrying, when the API secret is rejected', async () => {
    worker = await startTestWorker(definitions, { env: { ...env, NIGHTSCOUT_API_SECRET: 'wrong-secret-000' } });
    const before = simulator.requestLog.length;
    const result = await worker.run({ selection: 'raw_nightscout_entries+', partition: '2024-12-31' });
    expect(result.assets[0]!.status).toBe('failed');
    expect(result.assets[0]!.error).toMatch(/401|rejected|secret/i);
    expect(result.assets.slice(1).every((a) => a.status === 'skipped')).toBe(true);
    // Sites are fetched concurrently: each may have been asked once, none twice (no retry of a 401).
    const asked = simulator.requestLog.slice(before).map((r) => r.url.split('/')[1]);
    expect(asked.length).toBeGreaterThanOrEqual(1);
    expect(new Set(asked).size).toBe(asked.length);
  });
});

/** The run events lineage wrote to ASSAY_HOME's events file (the default file transport), once `done` holds of them. */
async function lineageWhen(home: string, done: (events: RunEvent[]) => boolean): Promise<RunEvent[]> {
  const file = join(home, 'lineage', 'events.jsonl');
  const deadline = Date.now() + 15_000;
  for (;;) {
    const events = existsSync(file)
      ? (readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) as RunEvent[]).filter((e) => 'run' in e)
      : [];
    if (done(events)) return events;
    if (Date.now() > deadline) throw new Error(`lineage events did not arrive in ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
