import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import definitions from '../assets/definitions.js';
import { startDevServer } from '../runtime/dev-server.js';
import { startGraphRun } from '../runtime/start-graph-run.js';
import { loadTemporalConfig } from '../temporal.config.js';
import type { GraphRunResult } from '../workflows/shared.js';
import { createWorker, WORKFLOWS_PATH } from '../worker.js';
import { median } from './stats.js';

export interface GraphBenchResult {
  readings: number;
  wallMs: number[];
  /** Per asset: workflow wall time minus the time spent computing (DuckDB / fetch). */
  overheadMs: number[];
  rawJsonBytes: number;
  rawParquetBytes: number;
  /** Compute time per asset in the last run. */
  computeMs: Record<string, number>;
}

/** Starts `assay nightscout-sim` in its own process so serving JSON does not compete with the worker. */
async function startSimulatorProcess(subjects: number, days: number): Promise<{ urls: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/main.ts', 'nightscout-sim', '--port', '0', '--subjects', String(subjects), '--days', String(days)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const urls = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^NIGHTSCOUT_URL=(.+)$/m.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  });
  return { urls, stop: () => child.kill('SIGINT') };
}

async function rawJsonBytes(urls: string): Promise<number> {
  let total = 0;
  for (const item of urls.split(',')) {
    const baseUrl = item.slice(item.indexOf('=') + 1);
    const body = await (await fetch(`${baseUrl}/api/v1/entries.json?count=1000000&find[date][$gte]=0`)).arrayBuffer();
    total += body.byteLength;
  }
  return total;
}

/** The Nightscout graph end to end on a real dev server with a warm worker. */
export async function benchNightscoutGraph(options: { subjects: number; days: number; runs: number }): Promise<GraphBenchResult> {
  const simulator = await startSimulatorProcess(options.subjects, options.days);
  const previousUrl = process.env.NIGHTSCOUT_URL;
  process.env.NIGHTSCOUT_URL = simulator.urls;
  const home = await mkdtemp(join(tmpdir(), 'assay-bench-'));
  const [server, bundle] = await Promise.all([startDevServer(), bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH })]);
  const config = { ...loadTemporalConfig(), address: server.address, taskQueue: 'bench' };
  const worker = await createWorker({
    definitions,
    home,
    config,
    connection: server.nativeConnection,
    workflowBundle: bundle,
  });
  const running = worker.run();
  const client = new Client({ connection: server.connection });
  try {
    const run = () => startGraphRun({ client, taskQueue: 'bench', input: { selection: 'group:nightscout', maxParallel: 4 } });
    await run(); // warm-up: bundle loaded, workflow cache and DuckDB warm
    const wallMs: number[] = [];
    const overheadMs: number[] = [];
    let last: GraphRunResult | undefined;
    for (let i = 0; i < options.runs; i++) {
      const started = performance.now();
      last = await run();
      wallMs.push(performance.now() - started);
      if (last.status !== 'success') throw new Error(`bench run failed: ${JSON.stringify(last.assets)}`);
      for (const a of last.assets) overheadMs.push((a.durationMs ?? 0) - (a.computeMs ?? 0));
    }
    const raw = last!.assets.find((a) => a.key === 'raw_nightscout_entries')!;
    const stg = last!.assets.find((a) => a.key === 'stg_nightscout_glucose')!;
    return {
      readings: stg.rows ?? 0,
      wallMs,
      overheadMs,
      rawJsonBytes: await rawJsonBytes(simulator.urls),
      rawParquetBytes: raw.bytes ?? 0,
      computeMs: Object.fromEntries(last!.assets.map((a) => [a.key, a.computeMs ?? 0])),
    };
  } finally {
    worker.shutdown();
    await running;
    await server.stop();
    simulator.stop();
    if (previousUrl === undefined) delete process.env.NIGHTSCOUT_URL;
    else process.env.NIGHTSCOUT_URL = previousUrl;
    await rm(home, { recursive: true, force: true });
  }
}

export function describeGraphBench(name: string, r: GraphBenchResult): string[] {
  return [
    `${name}: ${r.readings.toLocaleString('en-US')} readings`,
    `  end to end (median of ${r.wallMs.length}): ${median(r.wallMs).toFixed(0)} ms  [${r.wallMs.map((v) => v.toFixed(0)).join(', ')}]`,
    `  orchestration overhead per asset (median): ${median(r.overheadMs).toFixed(1)} ms`,
    `  raw JSON ${(r.rawJsonBytes / 1e6).toFixed(2)} MB vs raw Parquet ${(r.rawParquetBytes / 1e6).toFixed(3)} MB: ` +
      `${(r.rawJsonBytes / r.rawParquetBytes).toFixed(1)}× smaller`,
    `  compute per asset (last run): ${Object.entries(r.computeMs).map(([k, v]) => `${k} ${v} ms`).join(', ')}`,
  ];
}
