import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nightscoutAssets } from '../../assets/nightscout/assets.js';
import { defineDefinitions } from '../../framework/index.js';
import { readAsset } from '../../engine/testing.js';
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
