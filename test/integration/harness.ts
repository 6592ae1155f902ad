import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { inject } from 'vitest';
import type { Definitions } from '../../framework/definitions.js';
import { startGraphRun } from '../../runtime/start-graph-run.js';
import { loadTemporalConfig } from '../../temporal.config.js';
import type { GraphRunInput, GraphRunResult } from '../../workflows/shared.js';
import { createWorker } from '../../worker.js';

// Worker state changes are logged at INFO; tests want warnings only.
Runtime.install({ logger: new DefaultLogger('WARN') });

export interface TestWorker {
  client: Client;
  home: string;
  taskQueue: string;
  run(input?: GraphRunInput): Promise<GraphRunResult>;
  stop(): Promise<void>;
}

/** A real worker on the shared dev server, on a task queue and ASSAY_HOME of its own. */
export async function startTestWorker(definitions: Definitions, options: { home?: string } = {}): Promise<TestWorker> {
  const address = inject('temporalAddress');
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'assay-it-')));
  const taskQueue = `test-${randomUUID()}`;
  const nativeConnection = await NativeConnection.connect({ address });
  const config = { ...loadTemporalConfig({}), address, taskQueue };
  const worker = await createWorker({
    definitions,
    home,
    config,
    connection: nativeConnection,
    workflowBundle: { code: inject('workflowBundleCode') },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  return {
    client,
    home,
    taskQueue,
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
