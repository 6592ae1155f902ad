import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock } from './lock-file.js';
import { Spool } from './spool.js';
import { numberOf, numbered } from './test-support/sample-events.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assay-lineage-spool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Spool', () => {
  it('is empty before anything is spooled', async () => {
    const spool = new Spool(join(dir, 'spool'));
    expect(await spool.isEmpty()).toBe(true);
    expect(await spool.read()).toEqual([]);
  });

  it('keeps events as JSON lines, oldest first', async () => {
    const spool = new Spool(dir);
    await spool.append([numbered(1), numbered(2)]);
    await spool.append([numbered(3)]);
    expect((await spool.read()).map((e) => numberOf(e.event))).toEqual([1, 2, 3]);
    expect((await readFile(spool.file, 'utf8')).split('\n')).toHaveLength(4);
  });

  it('leaves out a last line still being written', async () => {
    const spool = new Spool(dir);
    await spool.append([numbered(1)]);
    await appendFile(spool.file, '{"eventTime":"2024-');
    expect((await spool.read()).map((e) => numberOf(e.event))).toEqual([1]);
  });

  it('removes a delivered head and keeps lines appended since', async () => {
    const spool = new Spool(dir);
    await spool.append([numbered(1), numbered(2)]);
    const head = (await spool.read()).map((e) => e.line);
    await spool.append([numbered(3)]);
    await spool.removeHead(head.slice(0, 1));
    expect((await spool.read()).map((e) => numberOf(e.event))).toEqual([2, 3]);
    await spool.removeHead(head.slice(1));
    expect((await spool.read()).map((e) => numberOf(e.event))).toEqual([3]);
  });

  it('removes nothing when the head is not what was delivered', async () => {
    const spool = new Spool(dir);
    await spool.append([numbered(1), numbered(2)]);
    await spool.removeHead([JSON.stringify(numbered(9))]);
    expect(await spool.size()).toBe(2);
  });

  it('reads a line that is not JSON as an entry without an event', async () => {
    const spool = new Spool(dir);
    await writeFile(spool.file, 'garbage\n');
    expect(await spool.read()).toEqual([{ line: 'garbage', event: undefined }]);
  });
});

describe('acquireLock', () => {
  it('is exclusive until released', async () => {
    const path = join(dir, 'x.lock');
    const first = await acquireLock(path, { staleMs: 60_000, waitMs: 0 });
    expect(first).toBeDefined();
    expect(await acquireLock(path, { staleMs: 60_000, waitMs: 20 })).toBeUndefined();
    await first!.release();
    expect(await acquireLock(path, { staleMs: 60_000, waitMs: 0 })).toBeDefined();
  });

  it('takes over a lock whose owner has died', async () => {
    const path = join(dir, 'x.lock');
    const { hostname } = await import('node:os');
    await writeFile(path, `2147483646 ${hostname()} 2024-01-01T00:00:00Z`);
    expect(await acquireLock(path, { staleMs: 60_000, waitMs: 0 })).toBeDefined();
  });
});

describe('Spool, for background delivery', () => {
  it('reads the lines appended after an offset, leaving out one still being written', async () => {
    const spool = new Spool(dir);
    await spool.append([numbered(1), numbered(2)]);
    const first = await spool.readFrom(0);
    expect(first?.entries.map((e) => numberOf(e.event))).toEqual([1, 2]);
    await spool.append([numbered(3)]);
    await appendFile(spool.file, '{"eventTime":"2024-');
    const next = await spool.readFrom(first!.end);
    expect(next?.entries.map((e) => numberOf(e.event))).toEqual([3]);
    expect(await spool.readFrom(next!.end)).toEqual({ entries: [], end: next!.end });
    expect(await spool.readFrom(1_000_000)).toBeUndefined();
  });

  it('removes delivered lines wherever they are, once each, keeping the others in order', async () => {
    const spool = new Spool(dir);
    await spool.append([numbered(1), numbered(2), numbered(1), numbered(3)]);
    const lines = (await spool.read()).map((e) => e.line);
    expect(await spool.remove([lines[1]!, lines[0]!])).toBe(2);
    expect((await spool.read()).map((e) => numberOf(e.event))).toEqual([1, 3]);
    expect(await spool.remove([JSON.stringify(numbered(9))])).toBe(0);
  });
});
