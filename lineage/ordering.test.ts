import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AckLog } from './ack-log.js';
import { AckState, conflictKeys, eventId, runStep } from './ordering.js';
import { assetComplete, assetFail, assetJobEvent, assetStart, graphStart, numbered } from './test-support/sample-events.js';

describe('runStep', () => {
  it('orders a run START, then RUNNING / OTHER, then COMPLETE / FAIL / ABORT, then by event time', () => {
    expect(runStep(assetStart())).toMatchObject({ runId: assetStart().run.runId, rank: 0 });
    expect(runStep(numbered(1))).toMatchObject({ rank: 1 });
    expect(runStep(assetComplete())).toMatchObject({ rank: 2, time: Date.parse('2024-05-01T03:00:04.000Z') });
    expect(runStep(assetFail())?.rank).toBe(2);
    expect(runStep({ ...assetStart(), eventType: 'whatever' as 'OTHER' })?.rank).toBe(1);
    expect(runStep(assetJobEvent())).toBeUndefined();
  });
});

describe('conflictKeys', () => {
  it('makes an asset event write its run, job and output, and read its parent run and inputs', () => {
    const start = assetStart();
    const keys = conflictKeys(start);
    expect(keys.writes).toEqual([
      `run\u0000${start.run.runId}`,
      `job\u0000assay\u0000nightly.daily_mean`,
      `dataset\u0000file\u0000${start.outputs[0]!.name}`,
    ]);
    expect(keys.reads).toEqual([`run\u0000${graphStart().run.runId}`, `dataset\u0000file\u0000${start.inputs[0]!.name}`]);
  });
});

describe('AckState', () => {
  const start = assetStart();
  const complete = assetComplete();
  const id = (e: unknown) => eventId(JSON.stringify(e));

  it('supersedes an earlier step of a run once a later one is acknowledged, and knows duplicates', () => {
    const acks = new AckState();
    expect(acks.verdict(id(start), runStep(start))).toBe('send');
    const step = runStep(complete)!;
    acks.record({ id: id(complete), run: step.runId, rank: step.rank, time: step.time, at: 1 });
    expect(acks.verdict(id(start), runStep(start))).toBe('superseded');
    expect(acks.verdict(id(complete), runStep(complete))).toBe('duplicate');
    // Another event at the same step (say, the same COMPLETE with more facets) may still go.
    expect(acks.verdict('other', runStep(complete))).toBe('send');
    // A RUNNING after a COMPLETE would regress the run.
    expect(acks.verdict('late', { ...step, rank: 1, time: step.time + 60_000 })).toBe('superseded');
  });

  it('knows acknowledged events without a run only as duplicates', () => {
    const acks = new AckState();
    acks.record({ id: 'job-event', at: 1 });
    expect(acks.verdict('job-event', undefined)).toBe('duplicate');
    expect(acks.verdict('another', undefined)).toBe('send');
  });
});

describe('AckLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assay-ack-log-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps acknowledgements across processes, skipping a torn last line', async () => {
    const log = new AckLog(join(dir, 'acked.jsonl'));
    expect(await log.size()).toBe(0);
    await log.append([{ id: 'a', run: 'r', rank: 0, time: 1, at: 10 }]);
    await log.append([{ id: 'b', run: 'r', rank: 2, time: 2, at: 20 }]);
    await writeFile(log.file, `${await readFile(log.file, 'utf8')}{"id":"c","ru`);
    const state = await log.load();
    expect(state.verdict('a', { runId: 'r', rank: 0, time: 1 })).toBe('superseded');
    expect(state.verdict('b', { runId: 'r', rank: 2, time: 2 })).toBe('duplicate');
  });

  it('compacts to the latest step of each run, dropping what is older than the retention', async () => {
    const log = new AckLog(join(dir, 'acked.jsonl'));
    await log.append([
      { id: 'a', run: 'r', rank: 0, time: 1, at: 10 },
      { id: 'b', run: 'r', rank: 2, time: 2, at: 20 },
      { id: 'old', run: 'gone', rank: 2, time: 2, at: 1 },
    ]);
    await log.compact(await log.load(), 5);
    const lines = (await readFile(log.file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id: string });
    expect(lines.map((l) => l.id)).toEqual(['b']);
  });
});
