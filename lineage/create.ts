/**
 * Builds transports and the emitter from configuration. `createTransport` maps a config to a
 * bare transport; `createLineageEmitter` adds what Assay needs around it: spooling, an emit time
 * budget, and, for a composite, a spool per http member, so one backend being down neither loses
 * its events nor delays the other members.
 */
import { join } from 'node:path';
import type { LineageConfig, TransportConfig } from './config.js';
import type { LineageEmitterOptions } from './emitter.js';
import { DEFAULT_EMIT_TIMEOUT_MS, LineageEmitter } from './emitter.js';
import type { Transport } from './transport.js';
import { CompositeTransport } from './transports/composite.js';
import { ConsoleTransport } from './transports/console.js';
import { FileTransport } from './transports/file.js';
import { HttpTransport } from './transports/http.js';
import { NoopTransport } from './transports/noop.js';

function transportConfigOf(config: LineageConfig | TransportConfig): TransportConfig {
  return 'transport' in config ? config.transport : config;
}

/** The transport a configuration describes (no spooling, no time budget: see `createLineageEmitter`). */
export function createTransport(config: LineageConfig | TransportConfig): Transport {
  const t = transportConfigOf(config);
  switch (t.type) {
    case 'http':
      return new HttpTransport(t);
    case 'file':
      return new FileTransport(t);
    case 'console':
      return new ConsoleTransport();
    case 'noop':
      return new NoopTransport();
    case 'composite':
      return new CompositeTransport(
        t.transports.map((m, i) => ({ name: memberName(m, i), transport: createTransport(m) })),
        { continueOnFailure: t.continueOnFailure, continueOnSuccess: t.continueOnSuccess },
      );
  }
}

function memberName(config: TransportConfig, index: number): string {
  return config.name ?? `${config.type}-${index}`;
}

export type CreateEmitterOptions = Omit<LineageEmitterOptions, 'transport' | 'spoolDir'>;

/**
 * The emitter for a configuration: spool in `config.spoolDir` (a disabled config gets none).
 * In a composite, each http member gets its own emitter and spool in `<spoolDir>/<member name>`.
 */
export function createLineageEmitter(config: LineageConfig, options: CreateEmitterOptions = {}): LineageEmitter {
  const t = config.transport;
  if (config.disabled || t.type === 'noop') {
    return new LineageEmitter({ ...options, transport: new NoopTransport(), spoolDir: null });
  }
  if (t.type !== 'composite') {
    // Only a remote backend needs a spool: a file or console transport is as durable and fast as the spool.
    const spoolDir = t.type === 'http' ? config.spoolDir : null;
    return new LineageEmitter({ ...options, transport: createTransport(t), spoolDir });
  }
  const members = t.transports.map((m, i) => {
    const name = memberName(m, i);
    const transport =
      m.type === 'http'
        ? new LineageEmitter({ ...options, transport: createTransport(m), spoolDir: join(config.spoolDir, safeDirName(name)) })
        : createTransport(m);
    return { name, transport };
  });
  const composite = new CompositeTransport(members, {
    continueOnFailure: t.continueOnFailure,
    continueOnSuccess: t.continueOnSuccess,
  });
  // Members spool for themselves, within their own budget; the outer emitter keeps the call
  // order and never throws. Its budget leaves the members time to spool.
  const budget = (options.totalTimeoutMs ?? DEFAULT_EMIT_TIMEOUT_MS) + 5_000;
  return new LineageEmitter({ ...options, transport: composite, spoolDir: null, totalTimeoutMs: budget });
}

function safeDirName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
