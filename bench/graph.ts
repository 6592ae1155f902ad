import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadAssayConfig, withHome } from '../assay.config.js';
import type { Definitions } from '../framework/definitions.js';
import { startDevServer } from '../runtime/dev-server.js';
import { startGraphRun } from '../runtime/start-graph-run.js';
import type { GraphRunInput, GraphRunResult } from '../workflows/shared.js';
import { createWorker, WORKFLOWS_PATH } from '../worker.js';

export interface GraphBenchOptions {
  definitions: Definitions;
  input: GraphRunInput;
  /** Measured runs after one warm-up run. */
  runs: number;
  /** The worker's environment (sources; `OPENLINEAGE_URL` turns lineage on, else it is off). */
  env?: Record<string, string>;
  throttle: 'tuned' | 'default';
}

export interface GraphBenchResult {
  wallMs: number[];
  /** Per asset and run: the step's wall time in the workflow minus the time its activity worked. */
  overheadMs: number[];
  /** Per asset and run: the step's wall time minus its compute alone (checks and publish count as overhead). */
  nonComputeMs: number[];
  last: GraphRunResult;
  /** The process's peak resident set size (MiB) when the runs ended. */
  peakRssMiB: number;
}

/** Runs a graph on a real dev server with a warm worker in this process, lineage off. */
export async function benchGraph(options: GraphBenchOptions): Promise<GraphBenchResult> {
  const home = await mkdtemp(join(tmpdir(), 'assay-bench-'));
  const [server, bundle] = await Promise.all([
    startDevServer({ throttle: options.throttle }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silent }),
  ]);
  const lineage = options.env?.OPENLINEAGE_URL ? {} : { OPENLINEAGE_DISABLED: 'true' };
  const base = withHome(loadAssayConfig({ ...options.env, ...lineage, ASSAY_CONFIG: '' }), home);
  const config = { ...base, temporal: { ...base.temporal, address: server.address, taskQueue: 'bench' } };
  const worker = await createWorker({
    definitions: options.definitions,
    config,
    connection: server.nativeConnection,
    workflowBundle: bundle,
  });
  const running = worker.run();
  const client = new Client({ connection: server.connection });
  try {
    const run = async () => {
      const result = await startGraphRun({ client, taskQueue: 'bench', input: options.input });
      if (result.status !== 'success') {
        throw new Error(`bench run failed: ${JSON.stringify(result.assets.filter((a) => a.status !== 'materialized'))}`);
      }
      return result;
    };
    await run(); // warm-up: bundle loaded, workflow cache and DuckDB warm
    const wallMs: number[] = [];
    const overheadMs: number[] = [];
    const nonComputeMs: number[] = [];
    let last: GraphRunResult | undefined;
    for (let i = 0; i < options.runs; i++) {
      const started = performance.now();
      last = await run();
      wallMs.push(performance.now() - started);
      for (const a of last.assets) {
        overheadMs.push((a.durationMs ?? 0) - (a.workMs ?? 0));
        nonComputeMs.push((a.durationMs ?? 0) - (a.computeMs ?? 0));
      }
    }
    return { wallMs, overheadMs, nonComputeMs, last: last!, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
  } finally {
    worker.shutdown();
    await running;
    await server.stop();
    await rm(home, { recursive: true, force: true });
  }
}

const silent = { log: () => {}, trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
