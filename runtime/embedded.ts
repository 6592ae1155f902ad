import { Client } from '@temporalio/client';
import { withEnv, type AssayConfig } from '../assay.config.js';
import type { Definitions, StartedDevSources } from '../framework/definitions.js';
import { createWorker, type AssayWorker } from '../worker.js';
import { startDevServer, type DevServer, type DevServerOptions } from './dev-server.js';

/** A dev server with an Assay worker running in this process: what `assay dev` and `--embedded` use. */
export interface EmbeddedTemporal {
  server: DevServer;
  client: Client;
  worker: AssayWorker;
  /** The configuration the worker runs with: the dev server's address, and the sample sources' settings. */
  config: AssayConfig;
  /** `[label, value]` lines about the sample sources that were started. */
  describe: readonly (readonly [string, string])[];
  /** The partitions the sample sources have data for, if they said. */
  range: { from: string; to: string } | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the dev server, the project's sample sources (only a project that declares `devSources` has any), and a
 * worker on them.
 */
export async function startEmbedded(
  definitions: Definitions,
  config: AssayConfig,
  serverOptions: DevServerOptions = {},
): Promise<EmbeddedTemporal> {
  const namespace = serverOptions.namespace ?? config.temporal.namespace;
  const server = await startDevServer({ ...serverOptions, namespace });
  let sources: StartedDevSources | undefined;
  try {
    sources = await definitions.devSources?.start(config);
    const workerConfig: AssayConfig = {
      ...withEnv(config, sources?.env ?? {}),
      temporal: { ...config.temporal, address: server.address, namespace, tls: undefined, apiKey: undefined },
    };
    const worker = await createWorker({ definitions, config: workerConfig, connection: server.nativeConnection });
    const running = worker.run();
    const client = new Client({ connection: server.connection, namespace });
    return {
      server,
      client,
      worker,
      config: workerConfig,
      describe: sources?.describe ?? [],
      range: sources?.range ? { ...sources.range } : undefined,
      async stop() {
        worker.shutdown();
        await running;
        await server.stop();
        await sources?.stop();
      },
    };
  } catch (err) {
    await server.stop();
    await sources?.stop();
    throw err;
  }
}
