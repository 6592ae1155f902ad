import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '../workflows/shared.js';
import { findTemporalCli } from './temporal-cli.js';

export interface DevServerOptions {
  port?: number;
  /** Serve the Temporal Web UI on this port. */
  uiPort?: number;
  namespace?: string;
  /** SQLite file to keep workflow history across restarts; in memory when absent. */
  dbFilename?: string;
  /**
   * `tuned` (default) lifts the dev server's queue-reader throttles (see DEV_SERVER_TUNING); `default` keeps the
   * stock settings, for measuring what the tuning gains.
   */
  throttle?: 'tuned' | 'default';
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  connection: Connection;
  nativeConnection: NativeConnection;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;

/**
 * The dev server runs one history shard. Its transfer-queue reader (which dispatches workflow tasks, child starts
 * and completions) is throttled to 20 reads/s, so once the burst is spent every hop waits ~50 ms; timers have the
 * same kind of throttle, and `timerProcessorMaxTimeShift` (1 s) delays every short timer by up to a second. The
 * readers still read only when notified, so lifting the throttles costs nothing when idle. A production cluster
 * has many shards (numHistoryShards, e.g. 512) and needs none of this (README, "Production").
 */
const DEV_SERVER_TUNING = [
  'history.transferProcessorMaxPollRPS=10000',
  'history.timerProcessorMaxPollRPS=10000',
  'history.timerProcessorMaxTimeShift="10ms"',
];
const DYNAMIC_CONFIG = [
  // Hand an activity to the worker in the reply to the workflow task that schedules it: one round trip less.
  'system.enableActivityEagerExecution=true',
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
];
// History in a file: write-ahead logging, and fsync at checkpoints rather than at every commit.
const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

function serverArgs(options: DevServerOptions): string[] {
  const dynamic = [...DYNAMIC_CONFIG, ...(options.throttle === 'default' ? [] : DEV_SERVER_TUNING)];
  return [
    ...dynamic.flatMap((value) => ['--dynamic-config-value', value]),
    ...Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
    ...(options.dbFilename ? SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]) : []),
  ];
}

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
  args.push('--log-level', 'error', ...serverArgs(options));
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
      extraArgs: serverArgs(options),
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
