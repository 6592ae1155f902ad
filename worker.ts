import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import type { AssayConfig } from './assay.config.js';
import type { Definitions } from './framework/definitions.js';
import { createLineageReporter, type LineageReporter } from './lineage/reporter.js';
import { connectionOptions } from './temporal.config.js';
import { SEARCH_ATTRIBUTES } from './workflows/shared.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface AssayWorkerOptions {
  definitions: Definitions;
  config: AssayConfig;
  /** Reuse an existing connection (the embedded dev server's); otherwise connect to `config.temporal.address`. */
  connection?: NativeConnection;
  /** A prebuilt workflow bundle, to skip bundling (tests, benchmarks). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  lineage?: LineageReporter;
}

/** The worker, and the lineage it reports through (delivered in the background, drained at shutdown). */
export interface AssayWorker {
  readonly worker: Worker;
  /** Runs until `shutdown()`, then gives undelivered lineage a last chance (the rest stays in the spool). */
  run(): Promise<void>;
  shutdown(): void;
}

/** One worker runs every asset: it registers the bundled workflows and the activities built from the definitions. */
export async function createWorker(options: AssayWorkerOptions): Promise<AssayWorker> {
  const { config } = options;
  const connection = options.connection ?? (await NativeConnection.connect(connectionOptions(config.temporal)));
  const lineage =
    options.lineage ??
    createLineageReporter(config.lineage, {
      onError: (err) => Runtime.instance().logger.warn('lineage delivery', { error: err instanceof Error ? err.message : String(err) }),
    });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({
      definitions: options.definitions,
      config,
      searchAttributes: await hasSearchAttributes(connection, config.temporal.namespace),
      lineage,
    }),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    maxConcurrentActivityTaskExecutions: 8,
  });
  return {
    worker,
    async run() {
      try {
        await worker.run();
      } finally {
        await lineage.close();
      }
    },
    shutdown: () => worker.shutdown(),
  };
}

/**
 * Whether the namespace has Assay's search attributes. Setting one that is not registered would fail every
 * workflow task of the run, so runs set them only when this says so.
 */
export async function hasSearchAttributes(connection: NativeConnection, namespace: string): Promise<boolean> {
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    return Object.keys(SEARCH_ATTRIBUTES).every((name) => customAttributes?.[name] !== undefined);
  } catch {
    return false;
  }
}
