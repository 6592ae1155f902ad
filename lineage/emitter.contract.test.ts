/**
 * Contract tests of the emitter against the Marquez receiver (`test-support/marquez-receiver.ts`), which behaves
 * as MARQUEZ.md records: the last event received decides a run's state, every output of every event makes a
 * dataset version. What must hold, however slow or absent the backend is: `emit` returns without the network,
 * every run ends in its final state with its final event last, no run ever regresses, nothing is lost, every
 * dataset's current version has its schema and assertions, and nobody has to flush by hand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AckLog } from './ack-log.js';
import type { LineageEmitterOptions } from './emitter.js';
import { LineageEmitter } from './emitter.js';
import type { RunEvent } from './model.js';
import { eventId, runStep } from './ordering.js';
import { Spool } from './spool.js';
import type { MarquezReceiver } from './test-support/marquez-receiver.js';
import { startMarquezReceiver } from './test-support/marquez-receiver.js';
import type { Pipeline } from './test-support/pipeline-events.js';
import { pipelineEvents } from './test-support/pipeline-events.js';
import { HttpTransport } from './transports/http.js';
import { validateEvent } from './validate.js';

let marquez: MarquezReceiver;
let dir: string;
let errors: unknown[];
/** Called at the next problem an emitter reports. */
let onNextError: (() => void) | undefined;
let emitters: LineageEmitter[];

beforeEach(async () => {
  onNextError = undefined;
  marquez = await startMarquezReceiver();
  dir = await mkdtemp(join(tmpdir(), 'assay-lineage-contract-'));
  errors = [];
  emitters = [];
});
afterEach(async () => {
  await Promise.all(emitters.map((e) => e.close(0)));
  await marquez.close();
  await rm(dir, { recursive: true, force: true });
});

/** An emitter as a worker should create it (background delivery), with quick retries for tests. */
function emitter(options: Partial<LineageEmitterOptions> & { timeoutMs?: number } = {}): LineageEmitter {
  const { timeoutMs, ...rest } = options;
  const created = new LineageEmitter({
    transport: new HttpTransport({ url: marquez.url, timeoutMs: timeoutMs ?? 2_000, retries: 1, backoffMs: 10 }),
    spoolDir: join(dir, 'spool'),
    mode: 'background',
    flushBackoffMs: 20,
    maxFlushBackoffMs: 100,
    flushIntervalMs: 1_000,
    onError: (error) => {
      errors.push(error);
      onNextError?.();
    },
    ...rest,
  });
  emitters.push(created);
  return created;
}

const TERMINAL = new Set(['COMPLETE', 'FAIL', 'ABORT']);

/** What Marquez must show once everything is delivered. */
function expectFinalState(pipeline: Pipeline): void {
  const runs = [pipeline.graphRunId, ...pipeline.assets.map((a) => a.runId)];
  for (const runId of runs) {
    const run = marquez.run(runId);
    expect(run, `run ${runId}`).toBeDefined();
    // Every run ends COMPLETED, with its final event last.
    expect(run!.state).toBe('COMPLETED');
    expect(run!.events.at(-1)).toBe('COMPLETE');
    // Never regressed, not even for a while: nothing but the final event (again) after the final event.
    const first = run!.events.findIndex((t) => TERMINAL.has(t));
    expect(run!.events.slice(first).every((t) => TERMINAL.has(t)), `events of ${runId}: ${run!.events.join(', ')}`).toBe(true);
  }
  // Nothing lost: every event emitted was written at least once.
  for (const event of pipeline.events) {
    expect(marquez.run(event.run.runId)?.events).toContain(event.eventType);
  }
  // Every dataset's current version is its COMPLETE's: schema, assertions and column lineage.
  for (const asset of pipeline.assets) {
    const current = marquez.current(asset.dataset.namespace, asset.dataset.name);
    expect(current?.eventType).toBe('COMPLETE');
    expect(current?.facets).toHaveProperty('schema');
    expect(current?.facets).toHaveProperty('dataQualityAssertions');
    expect(current?.facets).toHaveProperty('columnLineage');
  }
  // Marquez is no validator: what it got must have been valid.
  for (const event of marquez.written) expect(() => validateEvent(event)).not.toThrow();
}

async function emitAll(lineage: LineageEmitter, events: readonly RunEvent[]): Promise<void> {
  for (const event of events) await lineage.emit(event);
}

describe('the emitter against Marquez', () => {
  it('returns from emit without waiting for the backend, and delivers in the background', async () => {
    const pipeline = pipelineEvents(19);
    const lineage = emitter();
    marquez.pause();
    await emitAll(lineage, pipeline.events);
    // Every emit has returned while Marquez has written nothing yet.
    expect(marquez.written).toHaveLength(0);
    expect(await new Spool(join(dir, 'spool')).size()).toBe(pipeline.events.length);
    marquez.resume();
    await lineage.drained();
    expectFinalState(pipeline);
    expect(marquez.written).toHaveLength(pipeline.events.length);
    expect(await new Spool(join(dir, 'spool')).size()).toBe(0);
  });

  it('slow past the time-out, then down, then back: every run ends in its final state, without a manual flush', async () => {
    const pipeline = pipelineEvents(19);
    const lineage = emitter({ timeoutMs: 50 });
    // Slower than the client waits: requests time out on the client, Marquez writes them anyway.
    marquez.delayMs = 150;
    await emitAll(lineage, pipeline.events.slice(0, 20));
    await marquez.until((m) => m.written.length >= 6);
    // Down: connections refused, until the emitter has noticed.
    const failed = new Promise<void>((resolve) => {
      onNextError = resolve;
    });
    await marquez.setDown('refuse');
    await emitAll(lineage, pipeline.events.slice(20));
    await failed;
    // Back, fast again: the worker's emitter drains the spool on its own.
    marquez.delayMs = 0;
    await marquez.setDown(false);
    await lineage.drained();
    expectFinalState(pipeline);
  });

  it('holds the COMPLETE until a START copy that timed out has landed, so the late copy cannot regress the run', async () => {
    const pipeline = pipelineEvents(3);
    // The first copy of every START is slow (the client times out and retries), later copies are fast.
    marquez.delayOf = (event, copy) => (event.eventType === 'START' && copy === 0 ? 200 : 0);
    const lineage = emitter({ timeoutMs: 50 });
    await emitAll(lineage, pipeline.events);
    await lineage.drained();
    // Let every request Marquez got be written, late copies included, before looking.
    await marquez.until((m) => m.requests.every((r) => r.status !== 0));
    expectFinalState(pipeline);
    const asset = marquez.run(pipeline.assets[0]!.runId)!;
    expect(asset.events).toEqual(['START', 'START', 'COMPLETE']);
  });

  it('delivers a long backlog exactly once when nothing fails, trimming the spool while requests are in flight', async () => {
    const pipeline = pipelineEvents(150);
    // Answers take 0 to 3 ms, in an order that differs from the order of the requests.
    marquez.delayOf = (event) => Date.parse(String(event.eventTime)) % 4;
    const lineage = emitter({ maxInFlight: 8 });
    await emitAll(lineage, pipeline.events);
    await lineage.drained();
    expectFinalState(pipeline);
    expect(marquez.written).toHaveLength(pipeline.events.length);
    expect(lineage.counts).toEqual({ sent: pipeline.events.length, rejected: 0, superseded: 0, dropped: 0 });
  });

  it('keeps the order across a restart: what one process spooled, the next delivers in order', async () => {
    const pipeline = pipelineEvents(9);
    await marquez.setDown('refuse');
    const first = emitter();
    await emitAll(first, pipeline.events);
    await first.close(0);
    expect(await new Spool(join(dir, 'spool')).size()).toBe(pipeline.events.length);
    await marquez.setDown(false);
    const second = emitter();
    await second.drained();
    expectFinalState(pipeline);
  });

  it('never sends a START again once the COMPLETE of its run was acknowledged', async () => {
    // A process sent START; its client timed out but Marquez wrote it; it sent COMPLETE, acknowledged and recorded,
    // then died before trimming its spool. The START is still in the spool.
    const [, start, , complete] = pipelineEvents(2).events as [RunEvent, RunEvent, RunEvent, RunEvent];
    expect(start.run.runId).toBe(complete.run.runId);
    const spool = new Spool(join(dir, 'spool'));
    for (const event of [start, complete]) {
      await fetch(`${marquez.url}/api/v1/lineage`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(event),
      });
    }
    await spool.append([start]);
    const step = runStep(complete)!;
    await new AckLog(spool.ackFile).append([
      { id: eventId(JSON.stringify(complete)), run: step.runId, rank: step.rank, time: step.time, at: Date.now() },
    ]);
    const result = await emitter({ deliverOnStart: false }).flushSpool();
    expect(result).toEqual({ sent: 0, rejected: 0, remaining: 0, superseded: 1 });
    expect(marquez.run(start.run.runId)).toMatchObject({ state: 'COMPLETED', events: ['START', 'COMPLETE'] });
  });

  it('does not send again what was acknowledged before a crash left it in the spool', async () => {
    const [graphStart, start] = pipelineEvents(1).events as [RunEvent, RunEvent];
    const lineage = emitter();
    await lineage.emit(graphStart);
    await lineage.emit(start);
    await lineage.drained();
    await lineage.close(0);
    expect(marquez.written).toHaveLength(2);
    // As if the process had died between the acknowledgement and trimming the spool.
    await new Spool(join(dir, 'spool')).append([graphStart, start]);
    expect(await emitter({ deliverOnStart: false }).flushSpool()).toEqual({ sent: 0, rejected: 0, remaining: 0, superseded: 2 });
    expect(marquez.written).toHaveLength(2);
  });

  it('two worker processes sharing one spool deliver every run in order', async () => {
    const pipeline = pipelineEvents(19);
    marquez.delayMs = 5;
    const [a, b] = [emitter(), emitter()];
    // The engine may run one run's activities on either worker: events alternate between them.
    for (const [i, event] of pipeline.events.entries()) await (i % 2 === 0 ? a : b).emit(event);
    await a.drained();
    await b.drained();
    expectFinalState(pipeline);
  });

  it('moves an event Marquez answers with a 500 that means 400 to rejected.jsonl, and goes on', async () => {
    const pipeline = pipelineEvents(2);
    const lineage = emitter();
    const bad = { ...pipeline.events[1]!, eventTime: 'not a time' } as RunEvent;
    await lineage.emit(pipeline.events[0]!);
    expect(await lineage.send(bad)).toBe('rejected');
    await emitAll(lineage, pipeline.events.slice(1));
    await lineage.drained();
    expectFinalState(pipeline);
    expect(marquez.requests.filter((r) => r.status === 500)).toHaveLength(1);
  });
});
