import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { wearablesAssets } from '../../assets/wearables/assets.js';
import { defineDefinitions } from '../../framework/index.js';
import { runHistory, runHistoryEntry } from '../../runtime/run-history.js';
import { generateSampleWearables } from '../../samples/wearables/sample-drops.js';
import { graphRun } from '../../workflows/graph-run.js';
import { eventually, ROOT, startWorkerProcess, stopProcess } from './worker-process.js';
import { startTestWorker, testWorkerConfig, type TestWorker } from './harness.js';

const cleanup: (() => Promise<unknown>)[] = [];
let worker: TestWorker | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('the run history', () => {
  it('records the wearables group run and each materialization as Temporal shows them', async () => {
    const drops = await mkdtemp(join(tmpdir(), 'assay-wearables-drops-'));
    cleanup.push(() => rm(drops, { recursive: true, force: true }));
    await generateSampleWearables({ dir: drops, users: 3, days: 20, seed: 5 });
    worker = await startTestWorker(defineDefinitions({ assets: wearablesAssets }), { env: { ASSAY_WEARABLES_DIR: drops } });
    const result = await worker.run({ selection: 'group:wearables' });
    expect(result.status).toBe('success');

    const [entry] = await runHistory(worker.home, worker.client, 10);
    expect(entry).toMatchObject({ runId: result.runId, workflowId: result.workflowId, kind: 'graph', selection: 'group:wearables' });
    // The run's status is Temporal's: COMPLETED.
    const description = await worker.client.workflow.getHandle(result.workflowId, result.runId).describe();
    expect([description.status.name, entry!.status]).toEqual(['COMPLETED', 'completed']);
    // One record per materialization, with the rows and status the run returned.
    const byAsset = new Map(entry!.steps.map((s) => [s.asset, s]));
    expect([...byAsset.keys()].sort()).toEqual(result.assets.map((a) => a.key).sort());
    for (const asset of result.assets) {
      expect(byAsset.get(asset.key), asset.key).toMatchObject({ status: 'materialized', rows: asset.rows, attempt: 1, step: asset.activityId });
      expect(byAsset.get(asset.key)!.durationMs).toBeGreaterThan(0);
    }
    // The same history, from DuckDB over the lake's metadata.
    const { withConnection } = await import('../../engine/duckdb.js');
    const counted = await withConnection(async (c) => {
      const reader = await c.runAndReadAll(
        `select status, count(*)::INTEGER from read_json_auto('${join(worker!.home, 'metadata', 'runs', '*', 'steps', '*.json')}') group by all`,
      );
      return reader.getRows();
    });
    expect(counted).toEqual([['materialized', result.assets.length]]);

    // And as `assay runs --json` prints it.
    const cli = await runAssay(['runs', '--json'], { ASSAY_HOME: worker.home, TEMPORAL_ADDRESS: inject('temporalAddress') });
    expect(cli.code, cli.stderr).toBe(0);
    const printed = JSON.parse(cli.stdout) as { runs: (typeof entry)[] };
    expect(printed.runs).toHaveLength(1);
    expect(printed.runs[0]).toMatchObject({ runId: result.runId, status: 'completed', checked: 'temporal' });
    expect(printed.runs[0]!.steps.map((s) => [s.asset, s.status, s.rows]).sort()).toEqual(
      result.assets.map((a) => [a.key, 'materialized', a.rows]).sort(),
    );
  });

  it('reports a run whose worker died as such, then as Temporal ended it, never running forever', async () => {
    const home = await mkdtemp(join(tmpdir(), 'assay-runs-lost-'));
    const markers = await mkdtemp(join(tmpdir(), 'assay-runs-markers-'));
    cleanup.push(() => rm(home, { recursive: true, force: true }), () => rm(markers, { recursive: true, force: true }));
    const env = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: testWorkerConfig(home).temporal.taskQueue,
      ASSAY_HOME: home,
      ASSAY_DEFINITIONS: join(ROOT, 'test/integration/fixtures/slow-definitions.ts'),
      ASSAY_TEST_MARKER_DIR: markers,
      ASSAY_TEST_SLOW_MS: '60000',
      OPENLINEAGE_DISABLED: 'true',
    };
    const lost = startWorkerProcess(env);
    cleanup.push(() => stopProcess(lost));
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    cleanup.push(() => connection.close());
    const client = new Client({ connection });
    const handle = await client.workflow.start(graphRun, { taskQueue: env.TEMPORAL_TASK_QUEUE, workflowId: `lost-${Date.now()}`, args: [{}] });
    const runId = handle.firstExecutionRunId;
    await eventually(async () => (existsSync(join(markers, 'attempts.log')) ? true : undefined), 60_000, 'the first attempt');
    lost.kill('SIGKILL');

    // No worker is left: after the heartbeat time-out, Temporal knows the worker is gone and says so.
    let entry = await runHistoryEntry(home, client, runId);
    expect(entry?.status).toBe('running');
    const deadline = Date.now() + 30_000;
    while (!entry?.steps.some((s) => s.note?.includes('stopped heartbeating')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      entry = await runHistoryEntry(home, client, runId);
    }
    expect(entry!.steps.find((s) => s.asset === 'slow_numbers')!.note).toMatch(/its worker stopped heartbeating \(attempt 2, retrying\)/);
    expect(entry!.note).toBe('a worker was lost; Temporal is retrying on another');

    await handle.terminate('no worker will come back');
    entry = await runHistoryEntry(home, client, runId);
    expect(entry).toMatchObject({ status: 'terminated', checked: 'temporal' });
    expect(entry!.note).toMatch(/ended terminated in Temporal without recording it/);
  });
});

/** Runs the `assay` CLI with `env` on top of this process's environment. */
function runAssay(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'assay.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
