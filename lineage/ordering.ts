/**
 * Order and idempotence of lineage delivery. Marquez lets the last event received decide a run's state and makes a
 * dataset version for every output of every event (`/work/shared/MARQUEZ.md`), so the order in which events
 * arrive matters, and a re-sent earlier event can undo a later one. Three pieces:
 *
 * - `runStep`: where an event stands in its run: START (0), then RUNNING / OTHER / anything else (1), then
 *   COMPLETE / FAIL / ABORT (2); among equals, the later `eventTime`. "Later event of a run" means a later step.
 * - `conflictKeys`: which events must keep their emit order. An event writes its run, its job and its outputs,
 *   and reads its parent run and its inputs; two events conflict when one writes what the other reads or writes.
 *   Events that do not conflict may be delivered at the same time.
 * - `AckState`: per run, the latest step the backend acknowledged (with the ids of the events at that step), and
 *   the ids of acknowledged events without a run. An event is not sent when a later step of its run was
 *   acknowledged (superseded), or when it was itself acknowledged (duplicate: e.g. a crash before the spool was
 *   trimmed).
 */
import { createHash } from 'node:crypto';
import type { LineageEvent } from './model.js';

/** Identity of a spooled event: a hash of its JSON line. */
export function eventId(line: string): string {
  return createHash('sha256').update(line).digest('hex').slice(0, 32);
}

export interface RunStep {
  runId: string;
  /** 0 START, 1 RUNNING / OTHER / unknown, 2 COMPLETE / FAIL / ABORT. */
  rank: number;
  /** `eventTime` in epoch ms (0 when unparseable). */
  time: number;
}

const RANKS: Record<string, number> = { START: 0, RUNNING: 1, OTHER: 1, COMPLETE: 2, FAIL: 2, ABORT: 2 };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The step of a run event; undefined for job and dataset events. */
export function runStep(event: LineageEvent | undefined): RunStep | undefined {
  if (!isObject(event) || !('run' in event) || !isObject(event.run)) return undefined;
  const runId = (event.run as { runId?: unknown }).runId;
  if (typeof runId !== 'string') return undefined;
  const type = typeof event.eventType === 'string' ? event.eventType.toUpperCase() : '';
  const time = Date.parse(String(event.eventTime));
  return { runId, rank: RANKS[type] ?? 1, time: Number.isNaN(time) ? 0 : time };
}

/** Negative when `a` comes before `b` in their run. */
export function compareSteps(a: { rank: number; time: number }, b: { rank: number; time: number }): number {
  return a.rank - b.rank || a.time - b.time;
}

export interface ConflictKeys {
  writes: string[];
  reads: string[];
}

const datasetKey = (d: unknown) =>
  isObject(d) ? `dataset\u0000${String(d.namespace)}\u0000${String(d.name)}` : undefined;

/** What an event changes in the backend (writes) and what it refers to (reads). */
export function conflictKeys(event: LineageEvent | undefined): ConflictKeys {
  const writes: string[] = [];
  const reads: string[] = [];
  if (!isObject(event)) return { writes, reads };
  const e = event as unknown as Record<string, unknown>;
  if (isObject(e.run) && typeof e.run.runId === 'string') {
    writes.push(`run\u0000${e.run.runId}`);
    const parent = isObject(e.run.facets) ? e.run.facets.parent : undefined;
    if (isObject(parent) && isObject(parent.run) && typeof parent.run.runId === 'string') {
      reads.push(`run\u0000${parent.run.runId}`);
    }
  }
  if (isObject(e.job)) writes.push(`job\u0000${String(e.job.namespace)}\u0000${String(e.job.name)}`);
  const dataset = datasetKey(e.dataset);
  if (dataset) writes.push(dataset);
  for (const output of Array.isArray(e.outputs) ? e.outputs : []) {
    const key = datasetKey(output);
    if (key) writes.push(key);
  }
  for (const input of Array.isArray(e.inputs) ? e.inputs : []) {
    const key = datasetKey(input);
    if (key) reads.push(key);
  }
  return { writes, reads };
}

/** One acknowledged event, as kept in the ack log. */
export interface AckRecord {
  id: string;
  /** Run id, rank and time, for run events. */
  run?: string;
  rank?: number;
  time?: number;
  /** When it was acknowledged, epoch ms. */
  at: number;
}

export type Verdict = 'send' | 'duplicate' | 'superseded';

interface RunMark {
  rank: number;
  time: number;
  /** Events acknowledged at exactly this step. */
  ids: Set<string>;
  at: number;
}

export class AckState {
  private readonly runs = new Map<string, RunMark>();
  /** Acknowledged events without a run, with when. */
  private readonly others = new Map<string, number>();

  /** Whether an event may be sent: not if it, or a later step of its run, was acknowledged. */
  verdict(id: string, step: RunStep | undefined): Verdict {
    if (!step) return this.others.has(id) ? 'duplicate' : 'send';
    const mark = this.runs.get(step.runId);
    if (!mark) return 'send';
    const order = compareSteps(step, mark);
    if (order < 0) return 'superseded';
    if (order === 0 && mark.ids.has(id)) return 'duplicate';
    return 'send';
  }

  record(record: AckRecord): void {
    if (record.run === undefined) {
      this.others.set(record.id, record.at);
      return;
    }
    const step = { rank: record.rank ?? 1, time: record.time ?? 0 };
    const mark = this.runs.get(record.run);
    if (!mark || compareSteps(step, mark) > 0) {
      this.runs.set(record.run, { ...step, ids: new Set([record.id]), at: record.at });
    } else if (compareSteps(step, mark) === 0) {
      mark.ids.add(record.id);
      mark.at = Math.max(mark.at, record.at);
    }
  }

  /** The records that keep this state, without those acknowledged before `since` (epoch ms). */
  records(since = 0): AckRecord[] {
    const out: AckRecord[] = [];
    for (const [run, mark] of this.runs) {
      if (mark.at < since) continue;
      for (const id of mark.ids) out.push({ id, run, rank: mark.rank, time: mark.time, at: mark.at });
    }
    for (const [id, at] of this.others) if (at >= since) out.push({ id, at });
    return out;
  }
}
