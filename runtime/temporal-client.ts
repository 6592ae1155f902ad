import { Client, Connection } from '@temporalio/client';
import type { AssayConfig } from '../assay.config.js';
import type { Definitions } from '../framework/definitions.js';
import { connectionOptions } from '../temporal.config.js';
import { startEmbedded } from './embedded.js';

export interface TemporalSession {
  client: Client;
  taskQueue: string;
  /** The configuration the worker runs with (for an embedded one: the dev server's address and the samples). */
  config: AssayConfig;
  /** The sample sources' range, for an embedded run of a project that has samples. */
  range: { from: string; to: string } | undefined;
}

/**
 * Runs `work` with a Temporal client: on the server of `TEMPORAL_ADDRESS` (with a clear error when none answers), or
 * on a dev server and worker started in this process (`embedded`), stopped afterwards.
 */
export async function withTemporal<T>(
  config: AssayConfig,
  options: { embedded?: Definitions },
  work: (session: TemporalSession) => Promise<T>,
): Promise<T> {
  if (options.embedded) {
    const embedded = await startEmbedded(options.embedded, config);
    try {
      return await work({ client: embedded.client, taskQueue: embedded.config.temporal.taskQueue, config: embedded.config, range: embedded.range });
    } finally {
      await embedded.stop();
    }
  }
  const connection = await Connection.connect(connectionOptions(config.temporal)).catch((err: unknown) => {
    throw new Error(
      `cannot reach Temporal at ${config.temporal.address} (TEMPORAL_ADDRESS): ${(err as Error).message}. ` +
        'Start one with `npm start`, or pass --embedded to run a dev server in this process.',
      { cause: err },
    );
  });
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    return await work({ client, taskQueue: config.temporal.taskQueue, config, range: undefined });
  } finally {
    await connection.close();
  }
}
