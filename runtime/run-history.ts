/**
 * The run history as `assay runs` shows it: the records the activities wrote, corrected by what Temporal says of the
 * runs still marked running — a run that ended without recording it (its worker died for good, it was terminated)
 * gets Temporal's status, and a step whose worker stopped heartbeating is reported as such while Temporal retries it.
 */
import type { Client } from '@temporalio/client';
import { decodeTimeoutType } from '@temporalio/common';
import {
  listRunRecords,
  listStepRecords,
  readRunRecord,
  type RunRecord,
  type RunStatus,
  type StepRecord,
} from '../engine/run-records.js';

export interface RunHistoryEntry extends RunRecord {
  steps: (StepRecord & { note?: string })[];
  /** How the record was checked: against Temporal, or not (no server reachable). */
  checked: 'temporal' | 'unchecked';
  note?: string;
}

const TEMPORAL_STATUS: Record<string, RunStatus> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'canceled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: 'running',
};

export async function runHistory(home: string, client: Client | undefined, limit: number): Promise<RunHistoryEntry[]> {
  const records = (await listRunRecords(home)).slice(0, limit);
  return Promise.all(records.map((record) => withSteps(home, record, client)));
}

export async function runHistoryEntry(home: string, client: Client | undefined, runId: string): Promise<RunHistoryEntry | undefined> {
  const record = await readRunRecord(home, runId);
  return record ? withSteps(home, record, client) : undefined;
}

async function withSteps(home: string, record: RunRecord, client: Client | undefined): Promise<RunHistoryEntry> {
  const entry: RunHistoryEntry = { ...record, steps: await listStepRecords(home, record.runId), checked: 'unchecked' };
  if (!client || record.status !== 'running') return { ...entry, checked: client ? 'temporal' : 'unchecked' };
  try {
    // A backfill continues as new under the same workflow id: its latest run is the one to ask about.
    const handle = client.workflow.getHandle(record.workflowId, record.kind === 'backfill' ? undefined : record.runId);
    const description = await handle.describe();
    entry.checked = 'temporal';
    const status = TEMPORAL_STATUS[description.status.name] ?? 'running';
    if (status !== 'running') {
      entry.status = status;
      entry.note = `ended ${description.status.name.toLowerCase()} in Temporal without recording it (its worker stopped)`;
      entry.finishedAt = description.closeTime?.toISOString() ?? null;
      for (const step of entry.steps) {
        if (step.status === 'running') step.note = 'did not finish: the run ended';
      }
      return entry;
    }
    for (const pending of description.raw.pendingActivities ?? []) {
      const lostWorker = decodeTimeoutType(pending.lastFailure?.timeoutFailureInfo?.timeoutType) === 'HEARTBEAT';
      const step = entry.steps.find((s) => s.step === pending.activityId);
      if (step && lostWorker) step.note = `its worker stopped heartbeating (attempt ${pending.attempt}, retrying)`;
    }
    if (entry.steps.some((s) => s.note)) entry.note = 'a worker was lost; Temporal is retrying on another';
  } catch {
    entry.note = 'not found in Temporal (another server or namespace, or the history was removed)';
  }
  return entry;
}
