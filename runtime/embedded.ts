import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { Definitions } from '../framework/definitions.js';
import { loadTemporalConfig, type TemporalConfig } from '../temporal.config.js';
import { createWorker } from '../worker.js';
import { startDevServer, type DevServer, type DevServerOptions } from './dev-server.js';

/** A dev server with an Assay worker running in this process: what `assay dev` and `--embedded` use. */
export interface EmbeddedTemporal {
  server: DevServer;
  client: Client;
  worker: Worker;
  config: TemporalConfig;
  stop(): Promise<void>;
}

export async function startEmbedded(
  definitions: Definitions,
  home: string,
  serverOptions: DevServerOptions = {},
): Promise<EmbeddedTemporal> {
  const server = await startDevServer(serverOptions);
  const config = { ...loadTemporalConfig(), address: server.address, namespace: serverOptions.namespace ?? 'default' };
  try {
    const worker = await createWorker({ definitions, home, config, connection: server.nativeConnection });
    const running = worker.run();
    const client = new Client({ connection: server.connection, namespace: config.namespace });
    return {
      server,
      client,
      worker,
      config,
      async stop() {
        worker.shutdown();
        await running;
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
