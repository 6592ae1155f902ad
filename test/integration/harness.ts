import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { inject } from 'vitest';
import { loadAssayConfig, withHome, type AssayConfig } from '../../assay.config.js';
import type { Definitions } from '../../framework/definitions.js';
import type { LineageReporter } from '../../lineage/reporter.js';
import { startGraphRun } from '../../runtime/start-graph-run.js';
import type { GraphRunInput, GraphRunResult } from '../../workflows/shared.js';
import { createWorker } from '../../worker.js';

// Worker state changes are logged at INFO; tests want warnings only.
Runtime.install({ logger: new DefaultLogger('WARN') });

export interface TestWorker {
  client: Client;
  home: string;
  taskQueue: string;
  config: AssayConfig;
  run(input?: GraphRunInput): Promise<GraphRunResult>;
  stop(): Promise<void>;
}

export interface TestWorkerOptions {
  home?: string;
  /** The environment the worker's configuration is loaded from (not this process's): sources, lineage. */
  env?: Record<string, string>;
  lineage?: LineageReporter;
}

/** The configuration a test worker runs with: loaded from `env` alone, on the shared dev server. */
export function testWorkerConfig(home: string, env: Record<string, string> = {}): AssayConfig {
  const address = inject('temporalAddress');
  const base = withHome(loadAssayConfig({ ...env, ASSAY_CONFIG: '' }), home);
  return { ...base, temporal: { ...base.temporal, address, taskQueue: `test-${randomUUID()}` } };
}

/** A real worker on the shared dev server, on a task queue and ASSAY_HOME of its own. */
export async function startTestWorker(definitions: Definitions, options: TestWorkerOptions = {}): Promise<TestWorker> {
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'assay-it-')));
  const config = testWorkerConfig(home, options.env);
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await createWorker({
    definitions,
    config,
    connection: nativeConnection,
    workflowBundle: { code: inject('workflowBundleCode') },
    ...(options.lineage ? { lineage: options.lineage } : {}),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection });
  const taskQueue = config.temporal.taskQueue;
  return {
    client,
    home,
    taskQueue,
    config,
    run: (input = {}) => startGraphRun({ client, taskQueue, input }),
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      if (!options.home) await rm(home, { recursive: true, force: true });
    },
  };
}
