import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import type { Definitions } from './framework/definitions.js';
import { loadTemporalConfig, connectionOptions, type TemporalConfig } from './temporal.config.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface AssayWorkerOptions {
  definitions: Definitions;
  home: string;
  config?: TemporalConfig;
  /** Reuse an existing connection (the embedded dev server's); otherwise connect to `config.address`. */
  connection?: NativeConnection;
  /** A prebuilt workflow bundle, to skip bundling (tests, benchmarks). */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** One worker runs every asset: it registers the bundled workflows and the activities built from the definitions. */
export async function createWorker(options: AssayWorkerOptions): Promise<Worker> {
  const config = options.config ?? loadTemporalConfig();
  const connection = options.connection ?? (await NativeConnection.connect(connectionOptions(config)));
  return Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    activities: createActivities({
      definitions: options.definitions,
      home: options.home,
      maxParallelAssets: config.maxParallelAssets,
    }),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    maxConcurrentActivityTaskExecutions: 8,
  });
}
