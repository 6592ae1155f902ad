/**
 * Run history: a JSON record when a graph run (or backfill) and each of its asset materializations start and end,
 * written by the activities (never by workflow code), next to the lake, so DuckDB can query it:
 *
 * ```sql
 * select * from read_json_auto('.assay/metadata/runs/*.json');            -- graph runs
 * select * from read_json_auto('.assay/metadata/runs/*\/steps/*.json');    -- asset materializations
 * ```
 *
 * The run id is the graph run's Temporal run id and the statuses are Temporal's words for the same thing, so the
 * history agrees with the Web UI. A record still `running` when its run has ended in Temporal, or whose worker
 * stopped heartbeating, is corrected by `assay runs` from what Temporal says.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './lake.js';

export type RunStatus = 'running' | 'completed' | 'failed' | 'canceled' | 'terminated' | 'timed_out';
export type StepStatus = 'running' | 'materialized' | 'failed' | 'skipped';

export interface RunRecord {
  runId: string;
  workflowId: string;
  kind: 'graph' | 'backfill';
  selection: string;
  /** The partition, the range `first..last`, or null. */
  partition: string | null;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
}

export interface StepRecord {
  runId: string;
  workflowId: string;
  /** The step's activity id: `key` or `key[partition]`. */
  step: string;
  asset: string;
  partition: string | null;
  status: StepStatus;
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  rows: number | null;
  error: string | null;
  /** The worker process that ran the attempt. */
  worker: string;
}

export function runsDir(home: string): string {
  return join(home, 'metadata', 'runs');
}

function runPath(home: string, runId: string): string {
  return join(runsDir(home), `${runId}.json`);
}

function stepPath(home: string, runId: string, step: string): string {
  return join(runsDir(home), runId, 'steps', `${encodeURIComponent(step)}.json`);
}

export async function writeRunRecord(home: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(runPath(home, record.runId), JSON.stringify(record) + '\n');
}

export async function writeStepRecord(home: string, record: StepRecord): Promise<void> {
  await writeFileAtomic(stepPath(home, record.runId, record.step), JSON.stringify(record) + '\n');
}

export async function readRunRecord(home: string, runId: string): Promise<RunRecord | undefined> {
  return readJson<RunRecord>(runPath(home, runId));
}

/** The run records, newest first. */
export async function listRunRecords(home: string): Promise<RunRecord[]> {
  const names = await readdir(runsDir(home)).catch(() => [] as string[]);
  const records = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => readJson<RunRecord>(join(runsDir(home), n))));
  return records.filter((r): r is RunRecord => r !== undefined).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** The step records of a run, in the order they started. */
export async function listStepRecords(home: string, runId: string): Promise<StepRecord[]> {
  const dir = join(runsDir(home), runId, 'steps');
  const names = await readdir(dir).catch(() => [] as string[]);
  const records = await Promise.all(names.map((n) => readJson<StepRecord>(join(dir, n))));
  return records.filter((r): r is StepRecord => r !== undefined).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
