import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { nightscoutAssets } from '../../assets/nightscout/assets.js';
import { defineAsset, defineDefinitions, sql, ts } from '../../framework/index.js';
import { publishedPath } from '../../engine/lake.js';
import { startSimulator, type NightscoutSimulator } from '../../samples/nightscout-simulator/index.js';
import { startTestWorker, type TestWorker } from './harness.js';

let worker: TestWorker | undefined;
let simulator: NightscoutSimulator | undefined;
afterEach(async () => {
  await worker?.stop();
  await simulator?.close();
  worker = undefined;
  simulator = undefined;
});

/** Serves `entries` as subject-a's Nightscout site; returns the environment that points a worker at it. */
async function serve(entries: unknown[]): Promise<Record<string, string>> {
  await simulator?.close();
  simulator = await startSimulator({ entries });
  return { NIGHTSCOUT_URL: `subject-a=${simulator.url()}` };
}

const reading = (id: string, date: number, sgv: number, direction = 'Flat') => ({
  _id: id,
  type: 'sgv',
  sgv,
  date,
  direction,
  dateString: new Date(date).toISOString(),
});

describe('expectation suites block publication on the real Temporal server', () => {
  it('keeps the published version, quarantines the rejected data and skips downstream on an error-level failure', async () => {
    const home = await mkdtemp(join(tmpdir(), 'assay-it-'));
    const definitions = defineDefinitions({ assets: nightscoutAssets });
    const day = Date.UTC(2024, 0, 1, 12);
    const run = { selection: 'raw_nightscout_entries+', partition: '2024-01-01' };
    worker = await startTestWorker(definitions, { home, env: await serve([reading('a1', day, 120), reading('a2', day + 300_000, 130)]) });
    expect((await worker.run(run)).status).toBe('success');
    const stg = nightscoutAssets[1]!;
    const published = readFileSync(publishedPath(home, stg, '2024-01-01'));

    // A trend arrow no uploader sends breaks the staging suite's error-level set of directions.
    await worker.stop();
    worker = await startTestWorker(definitions, {
      home,
      env: await serve([reading('a1', day, 120), reading('b1', day + 300_000, 140, 'Sideways')]),
    });
    const result = await worker.run(run);
    const [raw, checked, ...downstream] = result.assets;
    expect(raw!.status).toBe('materialized');
    expect(checked!.key).toBe('stg_nightscout_glucose');
    expect(checked!.status).toBe('failed');
    expect(checked!.error).toMatch(/error-level expectation/);
    expect(checked!.error).toMatch(/expect_column_values_to_be_in_set.*direction.*Sideways/s);
    expect(downstream.every((a) => a.status === 'skipped')).toBe(true);
    expect(readFileSync(publishedPath(home, stg, '2024-01-01')).equals(published)).toBe(true);
    const quarantine = join(home, 'quarantine', 'stg_nightscout_glucose');
    expect(readdirSync(quarantine)).toEqual([`${result.runId}_2024-01-01.parquet`]);
  });

  it('publishes and reports when only a warn-level expectation fails', async () => {
    const suiteDir = await mkdtemp(join(tmpdir(), 'assay-suite-'));
    const suite = join(suiteDir, 'scores.json');
    await writeFile(
      suite,
      JSON.stringify({
        name: 'scores',
        expectations: [
          { type: 'expect_column_values_to_be_between', kwargs: { column: 'score', min_value: 0, max_value: 10 }, severity: 'warn' },
          { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'score' } },
        ],
      }),
    );
    const scores = defineAsset({
      key: 'scores',
      suites: [suite],
      compute: ts(async () => tableFromArrays({ score: Float64Array.from([1, 5, 42]) })),
    });
    const total = defineAsset({ key: 'total', compute: sql`select sum(score) as total from ${scores}` });
    worker = await startTestWorker(defineDefinitions({ assets: [scores, total] }));
    const result = await worker.run();
    expect(result.assets.map((a) => a.status)).toEqual(['materialized', 'materialized']);
    expect(existsSync(publishedPath(worker.home, scores))).toBe(true);
    const checks = join(worker.home, 'metadata', 'checks', 'scores', `${result.runId}.json`);
    const document = JSON.parse(readFileSync(checks, 'utf8')) as { success: boolean; results: { success: boolean; severity: string }[] };
    expect(document.success).toBe(false);
    expect(document.results.map((r) => [r.severity, r.success])).toEqual([
      ['warn', false],
      ['error', true],
    ]);
    const records = readdirSync(join(worker.home, 'metadata', 'materializations', 'scores'));
    const record = JSON.parse(readFileSync(join(worker.home, 'metadata', 'materializations', 'scores', records[0]!), 'utf8'));
    expect(record.checks).toEqual({ success: false, evaluated: 2, failed: 0, warnings: 1 });
  });
});
