import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { dailyPartitions, defineDefinitions, defineSchedule, partitionForTime } from '../../framework/index.js';
import { sha256File } from '../../engine/content-hash.js';
import { publishedPath } from '../../engine/lake.js';
import { readAsset } from '../../engine/testing.js';
import { nightscoutAssetsFor } from '../../assets/nightscout/assets.js';
import { applySchedules, listSchedules } from '../../runtime/schedules.js';
import { startSimulator } from '../../samples/nightscout-simulator/index.js';
import { backfill } from '../../workflows/backfill.js';
import type { GraphRunResult } from '../../workflows/shared.js';
import project, { allDays, dayNumbers, dayTotals, days } from './fixtures/partitioned-definitions.js';
import { eventually, ROOT, startWorkerProcess, stopProcess } from './worker-process.js';
import { startTestWorker, testWorkerConfig, type TestWorker } from './harness.js';

const cleanup: (() => Promise<unknown>)[] = [];
let worker: TestWorker | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  for (const step of cleanup.splice(0).reverse()) await step();
});


describe('Temporal Schedules declared in code', () => {
  it('applies idempotently, updates a changed spec in place, and a trigger-now runs yesterday’s partition', async () => {
    worker = await startTestWorker(project);
    const name = `daily-${randomUUID().slice(0, 8)}`;
    const declared = (cron: string) =>
      defineDefinitions({ assets: project.assets, schedules: [defineSchedule({ name, selection: 'day_numbers+', cron })] });
    const scheduleId = `assay-${name}`;
    try {
      await appliesAndTriggers(worker, name, scheduleId, declared);
    } finally {
      await worker.client.schedule.getHandle(scheduleId).delete();
    }
  });
});

/** Applies a schedule, again, changed; then triggers it and checks the run's partitions. */
async function appliesAndTriggers(
  worker: TestWorker,
  name: string,
  scheduleId: string,
  declared: (cron: string) => ReturnType<typeof defineDefinitions>,
): Promise<void> {

  expect(await applySchedules(worker.client, declared('0 9 * * *'), worker.taskQueue)).toEqual([
    { name, scheduleId, outcome: 'created' },
  ]);
  expect(await applySchedules(worker.client, declared('0 9 * * *'), worker.taskQueue)).toEqual([
    { name, scheduleId, outcome: 'unchanged' },
  ]);
  const ours = async () => (await listSchedules(worker.client, declared('0 9 * * *'))).filter((s) => s.scheduleId === scheduleId);
  const [listed] = await ours();
  expect(listed).toMatchObject({ selection: 'day_numbers+', cron: '0 9 * * *', paused: false, declared: true });
  expect(listed!.nextRuns.every((d) => d.getUTCHours() === 9 && d.getUTCMinutes() === 0)).toBe(true);

  expect(await applySchedules(worker.client, declared('30 6 * * *'), worker.taskQueue)).toEqual([
    { name, scheduleId, outcome: 'updated' },
  ]);
  const [updated] = await ours();
  expect(updated!.cron).toBe('30 6 * * *');
  expect(updated!.nextRuns.every((d) => d.getUTCHours() === 6 && d.getUTCMinutes() === 30)).toBe(true);

  // Trigger now: the run's nominal time is now, so each daily asset gets the day that ended before it.
  const handle = worker.client.schedule.getHandle(scheduleId);
  await handle.trigger();
  const workflowId = await eventually(
    async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId,
    20_000,
    'the triggered run',
  );
  const result = (await worker.client.workflow.getHandle(workflowId).result()) as GraphRunResult;
  const expected = partitionForTime(days, new Date())!;
  expect(result.status).toBe('success');
  expect(result.assets.map((a) => [a.key, a.partition])).toEqual([
    ['day_numbers', expected],
    ['day_totals', expected],
    ['all_days', null],
  ]);
}

describe('backfills on a real Temporal server', () => {
  it('materializes exactly 30 partitions per asset, then the unpartitioned asset once; one day again rewrites that day alone', async () => {
    worker = await startTestWorker(project);
    const handle = await worker.client.workflow.start(backfill, {
      taskQueue: worker.taskQueue,
      workflowId: `backfill-${randomUUID()}`,
      args: [{ selection: '*', from: '2026-10-01', to: '2026-10-30', concurrency: 4 }],
    });
    const report = await handle.result();
    expect(report.status).toBe('success');
    expect(report.partitions).toHaveLength(30);
    expect(report.partitions.every((p) => p.status === 'materialized' && p.materialized === 2)).toBe(true);
    expect(report.unpartitioned).toEqual([{ key: 'all_days', status: 'materialized', error: null }]);
    for (const asset of [dayNumbers, dayTotals]) {
      const folders = (await readdir(join(worker.home, 'lake', asset.layer, asset.key))).sort();
      expect(folders).toHaveLength(30);
      expect(folders[0]).toBe('date=2026-10-01');
      expect(folders[29]).toBe('date=2026-10-30');
    }
    const [all] = await readAsset(worker.home, allDays);
    // 2026-10-25 is a 25-hour day in Europe, but these partitions are UTC: 30 days of 24 hours.
    expect([Number(all!.days), Number(all!.hours)]).toEqual([30, 720]);
    expect(JSON.parse(readFileSync(join(worker.home, 'metadata', 'backfills', `${encodeURIComponent(handle.workflowId)}.json`), 'utf8'))).toMatchObject({
      status: 'success',
    });

    const before = await files(worker.home);
    const again: GraphRunResult = await worker.run({ selection: 'day_numbers+ and not all_days', partition: '2026-10-15' });
    expect(again.status).toBe('success');
    const after = await files(worker.home);
    // The day's two files were replaced (new files, with the same bytes: same inputs); no other file was touched.
    const replaced = [...after].filter(([path, f]) => before.get(path)!.inode !== f.inode).map(([path]) => path);
    expect(replaced.sort()).toEqual([publishedPath(worker.home, dayNumbers, '2026-10-15'), publishedPath(worker.home, dayTotals, '2026-10-15')].sort());
    expect([...after].every(([path, f]) => before.get(path)!.hash === f.hash)).toBe(true);
  });

  it('resumes after its worker is killed, without rewriting a partition that was published', async () => {
    const home = await mkdtemp(join(tmpdir(), 'assay-backfill-kill-'));
    const markers = await mkdtemp(join(tmpdir(), 'assay-backfill-markers-'));
    cleanup.push(() => rm(home, { recursive: true, force: true }), () => rm(markers, { recursive: true, force: true }));
    const env = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: testWorkerConfig(home).temporal.taskQueue,
      ASSAY_HOME: home,
      ASSAY_DEFINITIONS: join(ROOT, 'test/integration/fixtures/partitioned-definitions.ts'),
      ASSAY_TEST_MARKER_DIR: markers,
      ASSAY_TEST_SLOW_MS: '300',
      OPENLINEAGE_DISABLED: 'true',
    };
    const first = startWorkerProcess(env);
    cleanup.push(() => stopProcess(first));
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    cleanup.push(() => connection.close());
    const client = new Client({ connection });
    const handle = await client.workflow.start(backfill, {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowId: `backfill-kill-${randomUUID()}`,
      args: [{ selection: 'day_numbers', from: '2026-09-01', to: '2026-09-20', concurrency: 1 }],
    });
    const log = join(markers, 'computed.log');
    const computed = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
    await eventually(async () => (computed().length >= 6 ? true : undefined), 90_000, 'six partitions computed');
    first.kill('SIGKILL');
    // What the dead worker had published: those files must be left as they are.
    const published = new Map<string, number>();
    for (const line of computed()) {
      const path = publishedPath(home, dayNumbers, line.split(' ')[0]);
      if (existsSync(path)) published.set(path, statSync(path).mtimeMs);
    }
    expect(published.size).toBeGreaterThanOrEqual(5);
    const second = startWorkerProcess(env);
    cleanup.push(() => stopProcess(second));

    const report = await handle.result();
    expect(report.status).toBe('success');
    expect(report.partitions).toHaveLength(20);
    for (const [path, mtimeMs] of published) expect(statSync(path).mtimeMs, path).toBe(mtimeMs);
    // Each partition was computed once, but for the one in flight when the worker died (concurrency 1).
    const perPartition = new Map<string, number>();
    for (const line of computed()) perPartition.set(line.split(' ')[0]!, (perPartition.get(line.split(' ')[0]!) ?? 0) + 1);
    expect(perPartition.size).toBe(20);
    expect([...perPartition.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(1);
  });
});

describe('Nightscout partitions in a time zone with DST', () => {
  it('fetches a Berlin day as its window: 23 hours of readings on the spring change, 25 on the autumn one', async () => {
    const fiveMinutes = 300_000;
    const entries: unknown[] = [];
    const span = (from: string, to: string) => {
      for (let t = Date.parse(from); t < Date.parse(to); t += fiveMinutes) {
        entries.push({ _id: `e${t}`, type: 'sgv', sgv: 120, date: t, dateString: new Date(t).toISOString(), direction: 'Flat' });
      }
    };
    span('2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z');
    span('2026-10-23T00:00:00Z', '2026-10-27T00:00:00Z');
    const simulator = await startSimulator({ entries });
    cleanup.push(() => simulator.close());
    const berlin = nightscoutAssetsFor(dailyPartitions({ start: '2026-01-01', timezone: 'Europe/Berlin' }));
    worker = await startTestWorker(defineDefinitions({ assets: berlin.all }), { env: { NIGHTSCOUT_URL: `alice=${simulator.url()}` } });
    const counts: Record<string, number> = {};
    for (const day of ['2026-03-28', '2026-03-29', '2026-10-25']) {
      const result = await worker.run({ selection: 'raw_nightscout_entries', partition: day });
      expect(result.status, JSON.stringify(result.assets)).toBe('success');
      counts[day] = (await readAsset(worker.home, berlin.rawNightscoutEntries, day)).length;
    }
    expect(counts).toEqual({ '2026-03-28': 24 * 12, '2026-03-29': 23 * 12, '2026-10-25': 25 * 12 });
  });
});

/** Every published partition file with its inode (a new file has a new one) and its content hash. */
async function files(home: string): Promise<Map<string, { inode: number; hash: string }>> {
  const out = new Map<string, { inode: number; hash: string }>();
  for (const asset of [dayNumbers, dayTotals]) {
    const dir = join(home, 'lake', asset.layer, asset.key);
    for (const folder of await readdir(dir)) {
      const path = join(dir, folder, 'data.parquet');
      out.set(path, { inode: statSync(path).ino, hash: await sha256File(path) });
    }
  }
  return out;
}
