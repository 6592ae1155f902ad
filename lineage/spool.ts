/**
 * The spool: events not yet delivered, oldest first, one JSON line each, in `<dir>/events.jsonl`.
 * Appends and rewrites take a lock file shared by all processes using the directory; removing
 * delivered events rewrites the rest to a temporary file, syncs it and renames it over the spool,
 * so a crash leaves either the old or the new spool, never half of one. Events the backend
 * rejects for good (and lines that are not JSON) move to `<dir>/rejected.jsonl`; what the backend
 * acknowledged is recorded in `<dir>/acked.jsonl` (`AckLog`) by whoever holds the flush lock.
 */
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HeldLock } from './lock-file.js';
import { acquireLock } from './lock-file.js';
import type { LineageEvent } from './model.js';

export interface SpoolEntry {
  /** The line as stored (without its newline). */
  line: string;
  /** The event, or undefined when the line is not a JSON object. */
  event: LineageEvent | undefined;
}

export interface SpoolOptions {
  /** Longest wait for the spool's lock before appending without it. Default 2000 ms. */
  lockWaitMs?: number;
}

const LOCK_STALE_MS = 10_000;
/** A flusher touches its lock after every event; one silent for this long is gone. */
const FLUSH_LOCK_STALE_MS = 120_000;

export class Spool {
  readonly file: string;
  readonly rejectedFile: string;
  /** The ack log (`AckLog`). */
  readonly ackFile: string;
  private readonly lockFile: string;
  private readonly flushLockFile: string;
  private readonly lockWaitMs: number;

  constructor(
    readonly dir: string,
    options: SpoolOptions = {},
  ) {
    this.file = join(dir, 'events.jsonl');
    this.rejectedFile = join(dir, 'rejected.jsonl');
    this.ackFile = join(dir, 'acked.jsonl');
    this.lockFile = join(dir, 'spool.lock');
    this.flushLockFile = join(dir, 'flush.lock');
    this.lockWaitMs = options.lockWaitMs ?? 2_000;
  }

  /** Whether no event waits (a missing file is an empty spool). */
  async isEmpty(): Promise<boolean> {
    try {
      return (await stat(this.file)).size === 0;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw err;
    }
  }

  /** Appends events behind the ones already waiting, and syncs them to disk. */
  async append(events: readonly LineageEvent[]): Promise<void> {
    await this.appendLines(events.map((e) => JSON.stringify(e)));
  }

  /**
   * Appends JSON lines (without their newlines) behind the ones already waiting, and syncs them to disk. Returns
   * the byte range they took, when known (the append held the lock).
   */
  async appendLines(lines: readonly string[]): Promise<{ start: number; end: number } | undefined> {
    if (lines.length === 0) return undefined;
    await mkdir(this.dir, { recursive: true });
    const text = lines.map((line) => `${line}\n`).join('');
    // Without the lock (another process stuck holding it) the append still happens: O_APPEND
    // keeps the line whole, at worst a concurrent rewrite drops it. Losing it for sure is worse.
    const lock = await acquireLock(this.lockFile, { staleMs: LOCK_STALE_MS, waitMs: this.lockWaitMs });
    try {
      const end = await appendSynced(this.file, text);
      return lock ? { start: end - Buffer.byteLength(text), end } : undefined;
    } finally {
      await lock?.release();
    }
  }

  /** The complete lines waiting, oldest first. A last line without its newline (an append in progress) is left out. */
  async read(): Promise<SpoolEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const lines = text.split('\n');
    lines.pop(); // the text after the last newline: '' or an incomplete line
    return lines.filter((l) => l.trim() !== '').map((line) => ({ line, event: parseLine(line) }));
  }

  /**
   * The complete lines from byte `offset` on, and the offset just past the last of them; `undefined` when the
   * spool is shorter than `offset` (it was rewritten).
   */
  async readFrom(offset: number): Promise<{ entries: SpoolEntry[]; end: number } | undefined> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return offset === 0 ? { entries: [], end: 0 } : undefined;
      throw err;
    }
    try {
      const { size } = await handle.stat();
      if (size < offset) return undefined;
      if (size === offset) return { entries: [], end: offset };
      const buffer = Buffer.alloc(size - offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      const chunk = buffer.subarray(0, bytesRead);
      const last = chunk.lastIndexOf(0x0a);
      if (last < 0) return { entries: [], end: offset };
      const lines = chunk.subarray(0, last).toString('utf8').split('\n');
      const entries = lines.filter((l) => l.trim() !== '').map((line) => ({ line, event: parseLine(line) }));
      return { entries, end: offset + last + 1 };
    } finally {
      await handle.close();
    }
  }

  /**
   * Removes one occurrence of each of `lines`, wherever it is, atomically (the rest goes to a temporary file that
   * replaces the spool), and keeps lines appended meanwhile. Returns how many were removed.
   */
  async remove(lines: readonly string[]): Promise<number> {
    if (lines.length === 0) return 0;
    const lock = await acquireLock(this.lockFile, { staleMs: LOCK_STALE_MS, waitMs: this.lockWaitMs * 5 });
    if (!lock) throw new Error(`spool ${this.file} is locked; delivered events stay and will be skipped later`);
    try {
      let text: string;
      try {
        text = await readFile(this.file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw err;
      }
      const wanted = new Map<string, number>();
      for (const line of lines) wanted.set(line, (wanted.get(line) ?? 0) + 1);
      const current = text.split('\n');
      const tail = current.pop() ?? ''; // an append in progress, or ''
      const kept: string[] = [];
      let removed = 0;
      for (const line of current) {
        const n = wanted.get(line);
        if (n) {
          wanted.set(line, n - 1);
          removed++;
        } else if (line.trim() !== '') {
          kept.push(line);
        }
      }
      if (removed === 0) return 0;
      await this.replace(kept.map((l) => `${l}\n`).join('') + tail);
      return removed;
    } finally {
      await lock.release();
    }
  }

  /** Replaces the spool's content atomically; call with the spool lock held. */
  private async replace(text: string): Promise<void> {
    const temp = `${this.file}.${process.pid}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(text);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.file);
    await syncDirectory(this.dir);
  }

  /** Number of complete lines waiting. */
  async size(): Promise<number> {
    return (await this.read()).length;
  }

  /**
   * Removes `lines` from the head of the spool, atomically: the rest goes to a temporary file
   * that replaces the spool. Only a matching prefix is removed, so lines appended meanwhile stay.
   */
  async removeHead(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    const lock = await acquireLock(this.lockFile, { staleMs: LOCK_STALE_MS, waitMs: this.lockWaitMs * 5 });
    if (!lock) throw new Error(`spool ${this.file} is locked; delivered events stay and will be sent again`);
    try {
      let text: string;
      try {
        text = await readFile(this.file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      const current = text.split('\n');
      let skip = 0;
      let matched = 0;
      // Walk the head, ignoring blank lines, while it matches what was delivered.
      while (matched < lines.length && skip < current.length - 1) {
        const line = current[skip]!;
        if (line.trim() === '') {
          skip++;
          continue;
        }
        if (line !== lines[matched]) break;
        skip++;
        matched++;
      }
      await this.replace(current.slice(skip).join('\n'));
    } finally {
      await lock.release();
    }
  }

  /** Keeps an event the backend will never accept, with the reason, out of the way of the others. */
  async reject(entry: SpoolEntry, reason: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const record = { rejectedAt: new Date().toISOString(), reason, ...(entry.event ? { event: entry.event } : { line: entry.line }) };
    await appendSynced(this.rejectedFile, `${JSON.stringify(record)}\n`);
  }

  /** Takes the right to flush, shared across processes; undefined when another flusher is at work. */
  async acquireFlushLock(): Promise<HeldLock | undefined> {
    await mkdir(this.dir, { recursive: true });
    return acquireLock(this.flushLockFile, { staleMs: FLUSH_LOCK_STALE_MS, waitMs: 0 });
  }
}

/** The event of a spooled line, or undefined when it is not a JSON object. */
export function parseLine(line: string): LineageEvent | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as LineageEvent) : undefined;
  } catch {
    return undefined;
  }
}

/** Appends and syncs; returns the file's size after the append. */
async function appendSynced(file: string, text: string): Promise<number> {
  const handle = await open(file, 'a');
  try {
    await handle.write(text);
    await handle.datasync();
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}

/** Makes a rename durable. Some platforms cannot open a directory; the rename is then as durable as they allow. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}
