import { spawn } from 'node:child_process';
import { defineDefinitions } from '../framework/index.js';
import { nightscoutAssets } from '../assets/nightscout/assets.js';
import { DEFAULT_END } from '../samples/nightscout-simulator/generate.js';
import { benchGraph, type GraphBenchResult } from './graph.js';
import { median, percentile } from './stats.js';

export interface NightscoutBenchResult extends GraphBenchResult {
  readings: number;
  rawJsonBytes: number;
  rawParquetBytes: number;
}

const DAY_MS = 86_400_000;
const SIMULATOR_END = DEFAULT_END;
const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Starts `assay nightscout-sim` in its own process so serving JSON does not compete with the worker's event loop. */
export async function startSimulatorProcess(subjects: number, days: number): Promise<{ urls: string; stop(): void }> {
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
export async function benchNightscoutGraph(options: {
  subjects: number;
  days: number;
  runs: number;
  throttle: 'tuned' | 'default';
  /** Send lineage there (off otherwise). */
  lineageUrl?: string;
}): Promise<NightscoutBenchResult> {
  const simulator = await startSimulatorProcess(options.subjects, options.days);
  try {
    const result = await benchGraph({
      definitions: defineDefinitions({ name: 'bench', assets: nightscoutAssets }),
      // The simulator's days end on 2025-01-01: every day partition of them in one run (one step per model).
      input: { selection: 'group:nightscout', maxParallel: 4, range: { from: dayKey(SIMULATOR_END - options.days * DAY_MS), to: dayKey(SIMULATOR_END - DAY_MS) } },
      runs: options.runs,
      env: { NIGHTSCOUT_URL: simulator.urls, ...(options.lineageUrl ? { OPENLINEAGE_URL: options.lineageUrl } : {}) },
      throttle: options.throttle,
    });
    const raw = result.last.assets.find((a) => a.key === 'raw_nightscout_entries')!;
    const stg = result.last.assets.find((a) => a.key === 'stg_nightscout_glucose')!;
    return {
      ...result,
      readings: stg.rows ?? 0,
      rawJsonBytes: await rawJsonBytes(simulator.urls),
      rawParquetBytes: raw.bytes ?? 0,
    };
  } finally {
    simulator.stop();
  }
}

export function describeNightscoutBench(name: string, r: NightscoutBenchResult): string[] {
  return [
    `${name}: ${r.readings.toLocaleString('en-US')} readings`,
    ...describeGraphBench(r),
    `  raw JSON ${(r.rawJsonBytes / 1e6).toFixed(2)} MB vs raw Parquet ${(r.rawParquetBytes / 1e6).toFixed(3)} MB: ` +
      `${(r.rawJsonBytes / r.rawParquetBytes).toFixed(1)}× smaller`,
    `  per asset (last run): ${r.last.assets.map((a) => `${a.key} ${a.workMs} ms work (${a.computeMs} compute) / ${a.durationMs} ms`).join(', ')}`,
  ];
}

export function describeGraphBench(r: GraphBenchResult): string[] {
  return [
    `  end to end (median of ${r.wallMs.length}): ${median(r.wallMs).toFixed(0)} ms  [${r.wallMs.map((v) => v.toFixed(0)).join(', ')}]`,
    `  orchestration per asset: median ${median(r.overheadMs).toFixed(1)} ms, p95 ${percentile(r.overheadMs, 95).toFixed(1)} ms`,
    `  per asset, wall − compute (checks and publish included, as measured before): median ${median(r.nonComputeMs).toFixed(1)} ms`,
    `  peak RSS of the worker process: ${r.peakRssMiB.toFixed(0)} MiB`,
  ];
}
