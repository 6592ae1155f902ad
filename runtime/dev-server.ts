import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
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
  address: string;
  uiUrl: string | undefined;
  connection: Connection;
  nativeConnection: NativeConnection;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;
// Hand an activity to the worker in the reply to the workflow task that schedules it: one round trip less.
const DYNAMIC_CONFIG = [
  '--dynamic-config-value', 'system.enableActivityEagerExecution=true',
  '--dynamic-config-value', 'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1',
];

/**
 * Starts the real Temporal dev server (`temporal server start-dev`) as a child process whose output goes to
 * stderr (stdout stays clean for `--json`). Without a Temporal CLI on this machine, `@temporalio/testing`
 * downloads one.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = findTemporalCli();
  if (!cli) return downloadedDevServer(options);
  const port = options.port ?? (await freePort());
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace];
  args.push(...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]));
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  args.push('--log-level', 'error', ...DYNAMIC_CONFIG);
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const address = `127.0.0.1:${port}`;
  try {
    const nativeConnection = await connectWhenReady(address, child, () => output);
    const connection = await Connection.connect({ address });
    return {
      address,
      uiUrl: options.uiPort === undefined ? undefined : `http://localhost:${options.uiPort}`,
      connection,
      nativeConnection,
      async stop() {
        await connection.close();
        await nativeConnection.close();
        await stopChild(child);
      },
    };
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}

async function connectWhenReady(address: string, child: ChildProcess, output: () => string): Promise<NativeConnection> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the Temporal dev server exited with code ${child.exitCode}:\n${output()}`);
    }
    try {
      return await NativeConnection.connect({ address });
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(`the Temporal dev server did not answer on ${address} within ${STARTUP_TIMEOUT_MS / 1000}s:\n${output()}`, {
          cause: err,
        });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function downloadedDevServer(options: DevServerOptions): Promise<DevServer> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download' },
      ip: '127.0.0.1',
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.uiPort === undefined ? { ui: false } : { ui: true, uiPort: options.uiPort }),
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      ...(options.dbFilename === undefined ? {} : { dbFilename: options.dbFilename }),
      extraArgs: DYNAMIC_CONFIG,
    },
  });
  return {
    address: env.address,
    uiUrl: options.uiPort === undefined ? undefined : `http://localhost:${options.uiPort}`,
    connection: env.connection,
    nativeConnection: env.nativeConnection,
    stop: () => env.teardown(),
  };
}
