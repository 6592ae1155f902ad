/**
 * File transport: appends each event as one line of JSON (JSON Lines) to a file, and syncs it to
 * disk before `emit` resolves, so an event that was emitted survives a crash. The Python
 * client's `append: false` (one file per event, `<path>-<time>.json`) is supported too.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LineageEvent } from '../model.js';
import type { Transport } from '../transport.js';
import { LineageTransportError } from '../transport.js';

export interface FileTransportOptions {
  /** The JSON Lines file (or, with `append: false`, the prefix of the per-event files). */
  path: string;
  /** Append to one file (default), or write one file per event like the Python client's default. */
  append?: boolean;
  /** fsync after each write. Default true. */
  sync?: boolean;
}

function timestamp(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-` +
    `${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}.${p(date.getUTCMilliseconds(), 3)}`
  );
}

export class FileTransport implements Transport {
  readonly path: string;
  private readonly append: boolean;
  private readonly sync: boolean;
  /** Writes are queued so lines from concurrent emits never interleave. */
  private queue: Promise<void> = Promise.resolve();
  private sequence = 0;

  constructor(options: FileTransportOptions) {
    this.path = options.path;
    this.append = options.append ?? true;
    this.sync = options.sync ?? true;
  }

  emit(event: LineageEvent): Promise<void> {
    const line = `${JSON.stringify(event)}\n`;
    const target = this.append
      ? this.path
      : `${this.path}-${timestamp(new Date())}-${String(this.sequence++).padStart(6, '0')}.json`;
    const write = this.queue.then(() => this.write(target, line));
    this.queue = write.catch(() => undefined);
    return write;
  }

  private async write(target: string, line: string): Promise<void> {
    try {
      await mkdir(dirname(target), { recursive: true });
      const handle = await open(target, this.append ? 'a' : 'wx');
      try {
        await handle.write(line);
        if (this.sync) await handle.datasync();
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw new LineageTransportError(`cannot write lineage event to ${target}: ${(err as Error).message}`, true, undefined, {
        cause: err,
      });
    }
  }

  async close(): Promise<void> {
    await this.queue;
  }
}
