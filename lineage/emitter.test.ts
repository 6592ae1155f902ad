import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineageEmitter } from './emitter.js';
import type { LineageEmitterOptions } from './emitter.js';
import { Spool } from './spool.js';
import type { LineageServer } from './test-support/lineage-server.js';
import { startLineageServer } from './test-support/lineage-server.js';
import { assetStart, numberOf, numbered } from './test-support/sample-events.js';
import { HttpTransport } from './transports/http.js';

let server: LineageServer;
let dir: string;
let errors: unknown[];
/** Emitters of the test, stopped after it so that none keeps delivering into the next test. */
let emitters: LineageEmitter[];
beforeEach(async () => {
  server = await startLineageServer();
  dir = await mkdtemp(join(tmpdir(), 'assay-lineage-emitter-'));
  errors = [];
  emitters = [];
});
afterEach(async () => {
  await Promise.all(emitters.map((e) => e.close(0)));
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function emitter(options: Partial<LineageEmitterOptions> = {}): LineageEmitter {
  const created = new LineageEmitter({
    transport: new HttpTransport({ url: server.url, retries: 1, backoffMs: 5, maxBackoffMs: 5, timeoutMs: 2_000 }),
    spoolDir: join(dir, 'spool'),
    flushBackoffMs: 0,
    onError: (error) => errors.push(error),
    ...options,
  });
  emitters.push(created);
  return created;
}

/** Numbers of the events the backend accepted, in arrival order. */
function delivered(): number[] {
  return server.requests.filter((r) => r.reply === 201).map((r) => numberOf(r.json));
}

async function spooled(): Promise<number[]> {
  return (await new Spool(join(dir, 'spool')).read()).map((e) => numberOf(e.event));
}

describe('LineageEmitter', () => {
  it('sends straight to the backend while the spool is empty', async () => {
    const lineage = emitter();
    expect(await lineage.send(numbered(1))).toBe('sent');
    expect(delivered()).toEqual([1]);
    expect(await spooled()).toEqual([]);
  });

  it('spools events while the backend is down, and flushSpool re-sends them in order once it is back', async () => {
    let down = true;
    server.reply = () => (down ? 503 : 201);
    const lineage = emitter({ flushBackoffMs: 60_000 });
    expect(await lineage.send(numbered(1))).toBe('spooled');
    expect(await lineage.send(numbered(2))).toBe('spooled');
    expect(await lineage.send(numbered(3))).toBe('spooled');
    expect(await spooled()).toEqual([1, 2, 3]);

    down = false;
    expect(await lineage.flushSpool()).toEqual({ sent: 3, rejected: 0, remaining: 0 });
    expect(delivered()).toEqual([1, 2, 3]);
    expect(await spooled()).toEqual([]);
    expect(await lineage.send(numbered(4))).toBe('sent');
    expect(delivered()).toEqual([1, 2, 3, 4]);
  });

  it('puts a new event behind the spooled ones and flushes them all before it', async () => {
    let down = true;
    server.reply = () => (down ? 503 : 201);
    const lineage = emitter();
    await lineage.send(numbered(1));
    await lineage.send(numbered(2));
    down = false;
    expect(await lineage.send(numbered(3))).toBe('sent');
    expect(delivered()).toEqual([1, 2, 3]);
    expect(await spooled()).toEqual([]);
  });

  it('does not wait for a slow flush: a hanging backend costs an emit at most 2 s, the next ones nothing', async () => {
    await new Spool(join(dir, 'spool')).append([numbered(1)]);
    server.reply = () => 'hang';
    const lineage = emitter({ flushTimeoutMs: 5_000 });
    let started = Date.now();
    expect(await lineage.send(numbered(2))).toBe('spooled');
    expect(Date.now() - started).toBeLessThan(2_500);
    started = Date.now();
    expect(await lineage.send(numbered(3))).toBe('spooled');
    expect(Date.now() - started).toBeLessThan(500);
    expect(await spooled()).toEqual([1, 2, 3]);
  });

  it('keeps the order of events emitted concurrently', async () => {
    const lineage = emitter();
    await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((n) => lineage.send(numbered(n))));
    expect(delivered()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('never blocks longer than its time budget: a hanging backend gets the event spooled', async () => {
    server.reply = () => 'hang';
    const lineage = emitter({ totalTimeoutMs: 300 });
    const started = Date.now();
    expect(await lineage.send(numbered(1))).toBe('spooled');
    expect(Date.now() - started).toBeLessThan(1_300);
    expect(await spooled()).toEqual([1]);
  });

  it('removes delivered events atomically and keeps the rest when the backend fails again', async () => {
    const spool = new Spool(join(dir, 'spool'));
    await spool.append([numbered(1), numbered(2), numbered(3)]);
    server.reply = (r) => (numberOf(r.json) === 1 ? 201 : 503);
    expect(await emitter().flushSpool()).toEqual({ sent: 1, rejected: 0, remaining: 2 });
    expect(await spooled()).toEqual([2, 3]);
  });

  it('moves an event the backend rejects to rejected.jsonl without blocking the others', async () => {
    const spool = new Spool(join(dir, 'spool'));
    await spool.append([numbered(1), numbered(2), numbered(3)]);
    server.reply = (r) => (numberOf(r.json) === 2 ? 400 : 201);
    expect(await emitter().flushSpool()).toEqual({ sent: 2, rejected: 1, remaining: 0 });
    expect(delivered()).toEqual([1, 3]);
    const rejected = (await readFile(spool.rejectedFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rejected).toHaveLength(1);
    expect(numberOf(rejected[0].event)).toBe(2);
    expect(rejected[0].reason).toContain('HTTP 400');
  });

  it('rejects an event the backend refuses on a direct send instead of spooling it', async () => {
    server.reply = () => 422;
    const lineage = emitter();
    expect(await lineage.send(numbered(1))).toBe('rejected');
    expect(await spooled()).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('reports and drops a failed event when it has no spool', async () => {
    server.reply = () => 503;
    const lineage = emitter({ spoolDir: null });
    expect(await lineage.send(numbered(1))).toBe('dropped');
    expect(errors).toHaveLength(1);
  });

  it('with validate: true, rejects an invalid event before sending it', async () => {
    const lineage = emitter({ validate: true });
    const event = assetStart();
    delete event.run.facets!.parent;
    expect(await lineage.send(event)).toBe('rejected');
    expect(await lineage.send(assetStart())).toBe('sent');
    expect(server.requests).toHaveLength(1);
  });

  it('leaves the spool to another process that is flushing it', async () => {
    const spool = new Spool(join(dir, 'spool'));
    await spool.append([numbered(1)]);
    await writeFile(join(dir, 'spool', 'flush.lock'), `${process.ppid} ${(await import('node:os')).hostname()} now`);
    expect(await emitter().flushSpool()).toEqual({ sent: 0, rejected: 0, remaining: 1, busy: true });
    expect(server.requests).toHaveLength(0);
  });

  it('emit never throws, even when the spool cannot be written', async () => {
    server.reply = () => 503;
    await writeFile(join(dir, 'spool'), 'a file where the spool folder should be');
    const lineage = emitter();
    await expect(lineage.emit(numbered(1))).resolves.toBeUndefined();
    expect(await lineage.send(numbered(2))).toBe('dropped');
    expect(errors.length).toBeGreaterThan(0);
  });

  it('still delivers directly when the spool cannot be read', async () => {
    await writeFile(join(dir, 'spool'), 'a file where the spool folder should be');
    expect(await emitter().send(numbered(1))).toBe('sent');
    expect(delivered()).toEqual([1]);
  });
});
