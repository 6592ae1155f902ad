/**
 * The ack log: `<spool>/acked.jsonl`, one JSON line per event the backend acknowledged (`AckRecord`), synced
 * to disk before any later event of the same run is sent. It is what keeps the order across crashes and restarts:
 * an event still in the spool whose run has a later acknowledged step is dropped, not re-sent. Only the holder of
 * the spool's flush lock writes it. It is compacted (rewritten, synced, renamed) to one record per run, without
 * runs acknowledged longer ago than the retention.
 */
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AckRecord } from './ordering.js';
import { AckState } from './ordering.js';

export class AckLog {
  constructor(readonly file: string) {}

  /** The acknowledged state; a missing log is empty, a torn or foreign line is skipped. */
  async load(): Promise<AckState> {
    const state = new AckState();
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return state;
      throw err;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const record = JSON.parse(line) as AckRecord;
        if (typeof record.id === 'string' && typeof record.at === 'number') state.record(record);
      } catch {
        // a line cut by a crash
      }
    }
    return state;
  }

  /** Appends records and syncs them to disk; returns the log's size after. */
  async append(records: readonly AckRecord[]): Promise<number> {
    await mkdir(dirname(this.file), { recursive: true });
    const handle = await open(this.file, 'a');
    try {
      if (records.length > 0) {
        await handle.write(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
        await handle.datasync();
      }
      return (await handle.stat()).size;
    } finally {
      await handle.close();
    }
  }

  async size(): Promise<number> {
    try {
      return (await stat(this.file)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
  }

  /** Rewrites the log from `state`, keeping what was acknowledged since `since` (epoch ms); returns its new size. */
  async compact(state: AckState, since: number): Promise<number> {
    const text = state
      .records(since)
      .map((r) => `${JSON.stringify(r)}\n`)
      .join('');
    const temp = `${this.file}.${process.pid}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(text);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.file);
    return Buffer.byteLength(text);
  }
}
