import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTimeoutType } from '@temporalio/common';
import { tableFromArrays } from 'apache-arrow';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { defineAsset, defineDefinitions, sql, ts } from '../../framework/index.js';
import { sha256File } from '../../engine/content-hash.js';
import { publishedPath } from '../../engine/lake.js';
import { graphRun } from '../../workflows/graph-run.js';
import slowProject, { doubled as slowDoubled } from './fixtures/slow-definitions.js';
import { eventually, ROOT, startWorkerProcess, stopProcess } from './worker-process.js';
import { startTestWorker, testWorkerConfig, type TestWorker } from './harness.js';

const numbers = defineAsset({
  key: 'numbers',
  layer: 'raw',
  compute: ts(async () => tableFromArrays({ n: Int32Array.from([1, 2, 3]) })),
});
const tripled = defineAsset({ key: 'tripled', compute: sql`select n * 3 as n3 from ${numbers}` });

const cleanup: (() => Promise<void>)[] = [];
let worker: TestWorker | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  for (const step of cleanup.splice(0).reverse()) await step();
});


describe('the engine on a real Temporal server', () => {
  it('shows each asset as an activity named by its key, and lists the runs that materialized an asset by search attribute', async () => {
    worker = await startTestWorker(defineDefinitions({ assets: [numbers, tripled] }));
    const result = await worker.run();
    expect(result.status).toBe('success');

    const history = await worker.client.workflow.getHandle(result.workflowId).fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e] : []));
    expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes!.activityId)).toEqual(['numbers', 'tripled']);
    expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes!.activityType?.name)).toEqual([
      'materializeStep',
      'materializeStep',
    ]);
    // A worker that dies is noticed within the heartbeat time-out.
    expect(Number(scheduled[0]!.activityTaskScheduledEventAttributes!.heartbeatTimeout?.seconds)).toBe(10);

    const listed = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const run of worker!.client.workflow.list({
          query: `AssayAssets = 'tripled' AND TaskQueue = '${worker!.taskQueue}'`,
        })) {
          ids.push(run.workflowId);
        }
        return ids.length > 0 ? ids : undefined;
      },
      10_000,
      'the run to be listed by AssayAssets',
    );
    expect(listed).toEqual([result.workflowId]);
    const described = await worker.client.workflow.getHandle(result.workflowId).describe();
    expect(described.searchAttributes.AssayAssets).toEqual(['numbers', 'tripled']);
  });

  it('never computes one asset twice at once: a second run waits for the first and reuses what it published', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let computed = 0;
    const slow = defineAsset({
      key: 'slow',
      compute: ts(async () => {
        inFlight++;
        computed++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        inFlight--;
        return tableFromArrays({ n: Int32Array.from([computed]) });
      }),
    });
    worker = await startTestWorker(defineDefinitions({ assets: [slow] }));
    const [a, b] = await Promise.all([worker.run({ selection: 'slow' }), worker.run({ selection: 'slow' })]);
    expect([a.status, b.status]).toEqual(['success', 'success']);
    expect(maxInFlight).toBe(1);
    expect(computed).toBe(1);
    const reused = [a, b].map((r) => r.assets[0]!.reusedFrom);
    expect(reused.filter((r) => r !== null)).toHaveLength(1);
    expect([a.runId, b.runId]).toContain(reused.find((r) => r !== null));
  });

  it('finishes a run whose worker is killed mid-compute, on another worker, with the bytes of a clean run', async () => {
    const home = await mkdtemp(join(tmpdir(), 'assay-kill-'));
    const markers = await mkdtemp(join(tmpdir(), 'assay-kill-markers-'));
    cleanup.push(() => rm(home, { recursive: true, force: true }), () => rm(markers, { recursive: true, force: true }));
    const config = testWorkerConfig(home);
    const env = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
      ASSAY_HOME: home,
      ASSAY_DEFINITIONS: join(ROOT, 'test/integration/fixtures/slow-definitions.ts'),
      ASSAY_TEST_MARKER_DIR: markers,
      ASSAY_TEST_SLOW_MS: '4000',
      OPENLINEAGE_DISABLED: 'true',
    };
    const first = startWorkerProcess(env);
    cleanup.push(() => stopProcess(first));
    const { Client, Connection } = await import('@temporalio/client');
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    cleanup.push(() => connection.close());
    const client = new Client({ connection });
    const handle = await client.workflow.start(graphRun, {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowId: `kill-test-${Date.now()}`,
      args: [{ selection: '*' }],
    });
    const attempts = join(markers, 'attempts.log');
    await eventually(async () => (existsSync(attempts) ? true : undefined), 60_000, 'the first attempt to start');
    first.kill('SIGKILL');
    const second = startWorkerProcess(env);
    cleanup.push(() => stopProcess(second));

    const result = await handle.result();
    expect(result.status).toBe('success');
    const pids = readFileSync(attempts, 'utf8').trim().split('\n');
    expect(pids).toHaveLength(2);
    expect(pids[0]).toBe(String(first.pid));
    expect(pids[1]).toBe(String(second.pid));
    const history = await handle.fetchHistory();
    const retried = (history.events ?? []).find(
      (e) => e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt === 2,
    );
    expect(decodeTimeoutType(retried?.activityTaskStartedEventAttributes?.lastFailure?.timeoutFailureInfo?.timeoutType)).toBe(
      'HEARTBEAT',
    );

    // A clean run of the same project in another ASSAY_HOME publishes the same bytes.
    const cleanHome = await mkdtemp(join(tmpdir(), 'assay-clean-'));
    cleanup.push(() => rm(cleanHome, { recursive: true, force: true }));
    worker = await startTestWorker(slowProject, { home: cleanHome });
    expect((await worker.run()).status).toBe('success');
    expect(await sha256File(publishedPath(home, slowDoubled))).toBe(await sha256File(publishedPath(cleanHome, slowDoubled)));
  });
});
