import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadAssayConfig, withHome } from '../assay.config.js';
import { nightscoutAssetsFor, NIGHTSCOUT_DAYS } from '../assets/nightscout/assets.js';
import { defineDefinitions } from '../framework/index.js';
import { startDevServer } from '../runtime/dev-server.js';
import { backfill } from '../workflows/backfill.js';
import { createWorker, WORKFLOWS_PATH } from '../worker.js';
import { startSimulatorProcess } from './nightscout.js';

export interface BackfillBenchResult {
  partitions: number;
  wallMs: number;
  /** Workflow runs (1 + continue-as-new) and the events of each. */
  historyEvents: number[];
  historyBytes: number[];
  peakRssMiB: number;
  readings: number;
}

/**
 * A 365-day backfill of the Nightscout graph for one subject on a real dev server: per partition (each day of each
 * model a step of its own) or in single runs (each model a step for the whole range).
 */
export async function benchBackfill(mode: 'per-partition' | 'single-run', days = 365): Promise<BackfillBenchResult> {
  const simulator = await startSimulatorProcess(1, days);
  const home = await mkdtemp(join(tmpdir(), 'assay-bench-backfill-'));
  const [server, bundle] = await Promise.all([
    startDevServer(),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } }),
  ]);
  const group = nightscoutAssetsFor(NIGHTSCOUT_DAYS, mode === 'per-partition' ? { backfillPolicy: { kind: 'multi_run' } } : {});
  const base = withHome(loadAssayConfig({ NIGHTSCOUT_URL: simulator.urls, OPENLINEAGE_DISABLED: 'true', ASSAY_CONFIG: '' }), home);
  const config = { ...base, temporal: { ...base.temporal, address: server.address, taskQueue: 'bench' } };
  const worker = await createWorker({
    definitions: defineDefinitions({ name: 'bench', assets: group.all }),
    config,
    connection: server.nativeConnection,
    workflowBundle: bundle,
  });
  const running = worker.run();
  const client = new Client({ connection: server.connection });
  try {
    // The simulator's data ends on 2025-01-01.
    const to = new Date(Date.UTC(2024, 11, 31)).toISOString().slice(0, 10);
    const from = new Date(Date.UTC(2024, 11, 31) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
    const started = performance.now();
    const handle = await client.workflow.start(backfill, {
      taskQueue: 'bench',
      workflowId: `bench-backfill-${mode}`,
      args: [{ selection: 'group:nightscout', from, to, concurrency: 4 }],
    });
    const report = await handle.result();
    const wallMs = performance.now() - started;
    if (report.status !== 'success') throw new Error(`backfill failed: ${JSON.stringify(report.partitions.filter((p) => p.status !== 'materialized').slice(0, 3))}`);
    const historyEvents: number[] = [];
    const historyBytes: number[] = [];
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) {
      historyEvents.push(execution.historyLength);
      historyBytes.push(execution.historySize ?? 0);
    }
    return {
      partitions: report.partitions.length,
      wallMs,
      historyEvents,
      historyBytes,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      readings: report.partitions.reduce((n, p) => n + (p.rows ?? 0), 0),
    };
  } finally {
    worker.shutdown();
    await running;
    await server.stop();
    simulator.stop();
    await rm(home, { recursive: true, force: true });
  }
}

export function describeBackfillBench(name: string, r: BackfillBenchResult): string[] {
  return [
    `${name}: ${r.partitions} partitions`,
    `  wall ${(r.wallMs / 1000).toFixed(1)} s, ${(r.partitions / (r.wallMs / 1000)).toFixed(1)} partitions/s`,
    `  workflow runs ${r.historyEvents.length}: history ${r.historyEvents.join(' + ')} events, ${r.historyBytes.map((b) => `${(b / 1024).toFixed(0)} KiB`).join(' + ')}`,
    `  peak RSS of the worker process: ${r.peakRssMiB.toFixed(0)} MiB`,
  ];
}
