import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../sources/edf/fixtures.test-helpers.js';
import { psgAssets, fctSleepSummary, psgHypnogram, stgSignalFeatures } from '../../assets/psg/assets.js';
import { defineDefinitions } from '../../framework/index.js';
import { readAsset } from '../../engine/testing.js';
import { generateSampleNights } from '../../samples/psg/sample-nights.js';
import { startTestWorker, type TestWorker } from './harness.js';

const definitions = defineDefinitions({ assets: psgAssets });
let worker: TestWorker | undefined;
let root: string | undefined;

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** Fresh temporary folders for a worker's ASSAY_HOME (where the PSG manifest lives) and its ASSAY_PSG_DIR. */
async function start(): Promise<{ home: string; dir: string; env: Record<string, string> }> {
  root = await mkdtemp(join(tmpdir(), 'assay-psg-it-'));
  const home = join(root, 'home');
  const dir = join(root, 'psg');
  await mkdir(home, { recursive: true });
  await mkdir(dir, { recursive: true });
  return { home, dir, env: { ASSAY_PSG_DIR: dir } };
}

const keys = psgAssets.map((a) => a.key).sort();

describe('the PSG graph on a real Temporal server', () => {
  it('materializes group psg from generated nights, checks included', async () => {
    const { home, dir, env } = await start();
    const sample = await generateSampleNights({ dir, subjects: 2, nights: 1, hours: 1, seed: 11 });
    worker = await startTestWorker(definitions, { home, env });
    const result = await worker.run({ selection: 'group:psg' });
    expect(result.assets.filter((a) => a.status !== 'materialized').map((a) => [a.key, a.status, a.error])).toEqual([]);
    expect(result.status).toBe('success');
    expect(result.assets.map((a) => a.key).sort()).toEqual(keys);
    const byKey = new Map(result.assets.map((a) => [a.key, a]));
    expect(byKey.get('raw_psg_recordings')!.rows).toBe(2);
    expect(byKey.get('psg_hypnogram')!.rows).toBe(240);
    expect(byKey.get('stg_signal_features')!.rows).toBe(480);
    expect(byKey.get('fct_event_rates')!.rows).toBe(2);
    const summary = await readAsset(home, fctSleepSummary);
    for (const study of sample.studies) {
      const s = summary.find((r) => r.recording_id === study.studyId)!;
      expect(Number(s.total_sleep_time_min)).toBe(study.summary.totalSleepTimeMin);
    }
    const manifest = JSON.parse(await readFile(join(home, 'manifests', 'psg.json'), 'utf8'));
    expect(Object.keys(manifest.files)).toHaveLength(4);
    for (const key of ['psg_hypnogram', 'stg_signal_features', 'fct_sleep_summary']) {
      const checksDir = join(home, 'metadata', 'checks', key);
      const [file] = await readdir(checksDir);
      const checks = JSON.parse(await readFile(join(checksDir, file!), 'utf8'));
      expect(checks.success, key).toBe(true);
    }
  });

  it('materializes group psg from the real SC4001 excerpt and its hypnogram', async () => {
    const { home, dir, env } = await start();
    await copyFile(fixture('SC4001E0-PSG-first5min.edf'), join(dir, 'SC4001E0-PSG.edf'));
    await copyFile(fixture('SC4001EC-Hypnogram.edf'), join(dir, 'SC4001EC-Hypnogram.edf'));
    worker = await startTestWorker(definitions, { home, env });
    const result = await worker.run({ selection: 'group:psg' });
    expect(result.assets.filter((a) => a.status !== 'materialized').map((a) => [a.key, a.status, a.error])).toEqual([]);
    expect(result.status).toBe('success');
    expect((await readAsset(home, psgHypnogram)).map((r) => r.stage)).toHaveLength(10);
    const features = await readAsset(home, stgSignalFeatures);
    expect(new Set(features.map((f) => f.channel))).toEqual(new Set(['EEG Fpz-Cz', 'EEG Pz-Oz']));
    expect(features).toHaveLength(20);
  });

  it('fails at once, naming the file, on a broken EDF, and publishes nothing downstream', async () => {
    const { home, dir, env } = await start();
    const bytes = Buffer.from(await readFile(fixture('SC4001E0-PSG-first5min.edf')));
    bytes.write('abc     ', 236, 'ascii');
    await writeFile(join(dir, 'SC4009E0-PSG.edf'), bytes);
    worker = await startTestWorker(definitions, { home, env });
    const result = await worker.run({ selection: 'raw_psg_recordings+' });
    expect(result.status).toBe('failed');
    const raw = result.assets.find((a) => a.key === 'raw_psg_recordings')!;
    expect(raw.status).toBe('failed');
    expect(raw.error).toContain('SC4009E0-PSG.edf');
    expect(result.assets.filter((a) => a.key !== 'raw_psg_recordings').every((a) => a.status === 'skipped')).toBe(true);
  });
});
