/**
 * The project's schedules as Temporal Schedules: `assay-<name>`, each starting a graph run of its selection. Applying
 * is idempotent: a schedule whose declaration did not change is left alone (its paused state and history too); a
 * changed one is updated in place, keeping whether an operator paused it.
 */
import { createHash } from 'node:crypto';
import { ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import type { Definitions } from '../framework/definitions.js';
import type { ScheduleDefinition } from '../framework/schedules.js';
import { graphRun } from '../workflows/graph-run.js';

export const SCHEDULE_PREFIX = 'assay-';
const MEMO_KEY = 'assaySchedule';

export interface AppliedSchedule {
  name: string;
  scheduleId: string;
  outcome: 'created' | 'updated' | 'unchanged';
}

export interface ListedSchedule {
  scheduleId: string;
  name: string;
  selection: string;
  cron: string;
  timezone: string;
  paused: boolean;
  note: string | undefined;
  nextRuns: Date[];
  recentRuns: { scheduledAt: Date; workflowId: string }[];
  /** Declared in the loaded definitions (false: left over from an earlier declaration). */
  declared: boolean;
}

function fingerprint(schedule: ScheduleDefinition, taskQueue: string): string {
  return createHash('sha256').update(JSON.stringify({ ...schedule, taskQueue })).digest('hex');
}

function desired(schedule: ScheduleDefinition, taskQueue: string) {
  return {
    spec: { cronExpressions: [schedule.cron], timezone: schedule.timezone },
    action: {
      type: 'startWorkflow' as const,
      workflowType: graphRun,
      args: [{ selection: schedule.selection }] as [{ selection: string }],
      taskQueue,
      // Temporal appends the scheduled time: assay-daily-2026-12-01T09:00:00Z.
      workflowId: `${SCHEDULE_PREFIX}${schedule.name}`,
      memo: { [MEMO_KEY]: { fingerprint: fingerprint(schedule, taskQueue), ...schedule } },
      staticSummary: `Assay schedule ${schedule.name}: ${schedule.selection}`,
    },
    policies: {
      overlap: schedule.overlap.toUpperCase() as 'SKIP',
      catchupWindow: schedule.catchupWindow,
    },
  };
}

/** Creates the declared schedules that do not exist and updates those whose declaration changed. */
export async function applySchedules(client: Client, definitions: Definitions, taskQueue: string): Promise<AppliedSchedule[]> {
  const applied: AppliedSchedule[] = [];
  for (const schedule of definitions.schedules) {
    const scheduleId = `${SCHEDULE_PREFIX}${schedule.name}`;
    const wanted = desired(schedule, taskQueue);
    const handle = client.schedule.getHandle(scheduleId);
    let description: ScheduleDescription | undefined;
    try {
      description = await handle.describe();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
    if (!description) {
      await client.schedule.create({
        scheduleId,
        ...wanted,
        state: schedule.description ? { note: schedule.description } : {},
      });
      applied.push({ name: schedule.name, scheduleId, outcome: 'created' });
      continue;
    }
    const current = (description.action as { memo?: Record<string, unknown> }).memo?.[MEMO_KEY] as { fingerprint?: string } | undefined;
    if (current?.fingerprint === fingerprint(schedule, taskQueue)) {
      applied.push({ name: schedule.name, scheduleId, outcome: 'unchanged' });
      continue;
    }
    await handle.update((previous) => ({ ...previous, ...wanted, state: previous.state }));
    applied.push({ name: schedule.name, scheduleId, outcome: 'updated' });
  }
  return applied;
}

/** Assay's schedules on the server (by id prefix), with their next runs. */
export async function listSchedules(client: Client, definitions: Definitions): Promise<ListedSchedule[]> {
  const declared = new Set(definitions.schedules.map((s) => `${SCHEDULE_PREFIX}${s.name}`));
  const listed: ListedSchedule[] = [];
  for await (const summary of client.schedule.list()) {
    if (!summary.scheduleId.startsWith(SCHEDULE_PREFIX)) continue;
    const description = await client.schedule.getHandle(summary.scheduleId).describe();
    const memo = (description.action as { memo?: Record<string, unknown> }).memo?.[MEMO_KEY] as Partial<ScheduleDefinition> | undefined;
    listed.push({
      scheduleId: summary.scheduleId,
      name: memo?.name ?? summary.scheduleId.slice(SCHEDULE_PREFIX.length),
      selection: memo?.selection ?? '?',
      cron: memo?.cron ?? '?',
      timezone: memo?.timezone ?? 'UTC',
      paused: description.state.paused,
      note: description.state.note,
      nextRuns: description.info.nextActionTimes.slice(0, 3),
      recentRuns: description.info.recentActions.slice(-3).map((a) => ({
        scheduledAt: a.scheduledAt,
        workflowId: a.action.workflow.workflowId,
      })),
      declared: declared.has(summary.scheduleId),
    });
  }
  return listed.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}
