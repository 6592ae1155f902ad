import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import type { AssayConfig } from './assay.config.js';
import type { Definitions } from './framework/definitions.js';
import type { LineageReporter } from './lineage/reporter.js';
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

/** One worker runs every asset: it registers the bundled workflows and the activities built from the definitions. */
export async function createWorker(options: AssayWorkerOptions): Promise<Worker> {
  const { config } = options;
  const connection = options.connection ?? (await NativeConnection.connect(connectionOptions(config.temporal)));
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({
      definitions: options.definitions,
      config,
      searchAttributes: await hasSearchAttributes(connection, config.temporal.namespace),
      ...(options.lineage ? { lineage: options.lineage } : {}),
    }),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    maxConcurrentActivityTaskExecutions: 8,
  });
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
