import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTemporalCli } from './temporal-cli.js';

export interface DevServerOptions {
  port?: number;
  /** Serve the Temporal Web UI on this port. */
  uiPort?: number;
  namespace?: string;
  /** SQLite file to keep workflow history across restarts; in memory when absent. */
  dbFilename?: string;
}

export interface DevServer {
  env: TestWorkflowEnvironment;
  address: string;
  uiUrl: string | undefined;
  stop(): Promise<void>;
}

/** Starts the real Temporal dev server (`temporal server start-dev`) as a child process. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = findTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli ? { type: 'existing-path', path: cli } : { type: 'cached-download' },
      ip: '127.0.0.1',
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.uiPort === undefined ? { ui: false } : { ui: true, uiPort: options.uiPort }),
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      ...(options.dbFilename === undefined ? {} : { dbFilename: options.dbFilename }),
      // Hand an activity to the worker in the reply to the workflow task that schedules it: one round trip less.
      extraArgs: ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'],
    },
  });
  const address = env.address;
  return {
    env,
    address,
    uiUrl: options.uiPort === undefined ? undefined : `http://localhost:${options.uiPort}`,
    stop: () => env.teardown(),
  };
}
