import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import pc from 'picocolors';
import type { AssayConfig } from '../../assay.config.js';
import { backfillReportPath, type BackfillReport } from '../../activities/backfill.js';
import { backfillChunks } from '../../framework/plan.js';
import { loadDefinitions } from '../../engine/load-definitions.js';
import { withTemporal } from '../../runtime/temporal-client.js';
import { backfill } from '../../workflows/backfill.js';
import { backfillProgressQuery, type BackfillProgress } from '../../workflows/shared.js';
import { TABLE_STYLE } from '../render.js';

export interface BackfillOptions {
  from: string;
  to: string;
  concurrency?: number;
  force?: boolean;
  json?: boolean;
  embedded?: boolean;
}

/**
 * The id of a backfill: the same selection and range give the same id, so running a finished backfill again finds it
 * (and does nothing unless --force).
 */
export function backfillWorkflowId(selection: string, from: string, to: string): string {
  const readable = selection.replace(/[^A-Za-z0-9_+:-]+/g, '_').slice(0, 40);
  const digest = createHash('sha256').update(selection).digest('hex').slice(0, 8);
  return `assay-backfill-${readable}-${digest}-${from}-${to}`;
}

/** `assay backfill <selection> --from --to`: starts (or attaches to) a backfill workflow and follows it. */
export async function backfillCommand(config: AssayConfig, selection: string, options: BackfillOptions): Promise<number> {
  const definitions = await loadDefinitions(config.definitionsModule);
  // A bad selection or range is one clear error, before anything starts.
  backfillChunks(definitions, { selection, range: { from: options.from, to: options.to } });
  const workflowId = backfillWorkflowId(selection, options.from, options.to);
  // A finished backfill does nothing again unless --force: known from its report here, or from the server below.
  const finished = options.force ? undefined : await readBackfillReport(config.home, workflowId);
  if (finished?.status === 'success') {
    if (options.json) console.log(JSON.stringify(finished, null, 2));
    else console.log(`backfill ${workflowId} already finished at ${finished.finishedAt}; nothing to do. Run it again with --force.\n${reportSummary(finished)}`);
    return 0;
  }
  return withTemporal(config, options.embedded ? { embedded: definitions } : {}, async ({ client, taskQueue }) => {
    let handle: WorkflowHandle<typeof backfill>;
    try {
      handle = await client.workflow.start(backfill, {
        taskQueue,
        workflowId,
        args: [{ selection, from: options.from, to: options.to, ...(options.concurrency ? { concurrency: options.concurrency } : {}) }],
        // A failed backfill may run again; a finished one only with --force.
        workflowIdReusePolicy: options.force ? 'ALLOW_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
        staticSummary: `Assay backfill: ${selection} [${options.from} … ${options.to}]`,
      });
      if (!options.json) console.error(`backfill ${workflowId} started; \`assay backfill status ${workflowId}\` shows where it is`);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      handle = client.workflow.getHandle(workflowId);
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') {
        const report = await reportOf(handle);
        if (options.json) console.log(JSON.stringify(report, null, 2));
        else {
          console.log(`backfill ${workflowId} already finished (${status.name.toLowerCase()}); nothing to do. Run it again with --force.`);
          if (report) console.log(reportSummary(report));
        }
        return report?.status === 'success' ? 0 : 1;
      }
      if (!options.json) console.error(`backfill ${workflowId} is running already: following it`);
    }
    const report = await follow(handle, Boolean(options.json));
    console.log(options.json ? JSON.stringify(report, null, 2) : reportSummary(report, config.logFile));
    return report.status === 'success' ? 0 : 1;
  });
}

/** `assay backfill status <id>`: where a backfill is, or how it ended. */
export async function backfillStatusCommand(config: AssayConfig, workflowId: string, options: { json?: boolean }): Promise<number> {
  return withTemporal(config, {}, async ({ client }) => {
    const handle = client.workflow.getHandle<typeof backfill>(workflowId);
    const { status } = await handle.describe();
    if (status.name === 'RUNNING') {
      const progress = await handle.query(backfillProgressQuery);
      console.log(options.json ? JSON.stringify(progress, null, 2) : progressLine(progress));
      return 0;
    }
    const report = await reportOf(handle);
    if (!report) {
      console.log(`backfill ${workflowId} ended ${status.name.toLowerCase()} without a report`);
      return 1;
    }
    console.log(options.json ? JSON.stringify(report, null, 2) : reportSummary(report));
    return report.status === 'success' ? 0 : 1;
  });
}

/** Polls the progress query (a bar on a terminal) until the backfill ends; returns its report. */
async function follow(handle: WorkflowHandle<typeof backfill>, quiet: boolean): Promise<BackfillReport> {
  const bar = !quiet && process.stderr.isTTY
    ? new SingleBar({
        format: `${pc.bold('backfill')} |{bar}| {value}/{total} partitions · chunk {chunk} · {failed} failed · {running}`,
        hideCursor: true,
        stream: process.stderr,
      })
    : undefined;
  let polling = true;
  let started = false;
  const poll = (async () => {
    while (polling) {
      try {
        const p = await handle.query(backfillProgressQuery);
        const payload = {
          chunk: `${Math.min(p.chunk + 1, p.chunks)}/${p.chunks}`,
          failed: p.failed,
          running: p.running.filter((s) => s.status === 'running').map((s) => s.activityId).slice(0, 3).join(', '),
        };
        if (!started) bar?.start(p.partitions, p.done + p.failed, payload);
        else bar?.update(p.done + p.failed, payload);
        started = true;
      } catch {
        // The query handler exists once the backfill has planned.
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  try {
    return await handle.result();
  } catch (err) {
    const failure = err instanceof WorkflowFailedError ? err.cause : undefined;
    if (failure instanceof ApplicationFailure && failure.type === 'BackfillFailed' && failure.details?.[0]) {
      return failure.details[0] as BackfillReport;
    }
    throw err;
  } finally {
    polling = false;
    await poll;
    bar?.stop();
  }
}

async function readBackfillReport(home: string, workflowId: string): Promise<BackfillReport | undefined> {
  try {
    return JSON.parse(await readFile(backfillReportPath(home, workflowId), 'utf8')) as BackfillReport;
  } catch {
    return undefined;
  }
}

async function reportOf(handle: WorkflowHandle<typeof backfill>): Promise<BackfillReport | undefined> {
  try {
    return await handle.result();
  } catch (err) {
    const failure = err instanceof WorkflowFailedError ? err.cause : undefined;
    if (failure instanceof ApplicationFailure && failure.details?.[0]) return failure.details[0] as BackfillReport;
    return undefined;
  }
}

function progressLine(p: BackfillProgress): string {
  return (
    `backfill ${p.workflowId}: ${p.status}, ${p.done + p.failed}/${p.partitions} partitions ` +
    `(${p.failed} failed), chunk ${Math.min(p.chunk + 1, p.chunks)}/${p.chunks}`
  );
}

/** The report as a short summary: counts, then one line per partition that did not materialize. */
export function reportSummary(report: BackfillReport, logFile?: string): string {
  const ok = report.partitions.filter((p) => p.status === 'materialized').length;
  const lines = [
    `backfill ${report.workflowId}: ${report.status} — ${ok}/${report.partitions.length} partitions of ` +
      `'${report.selection}' materialized (${report.from} … ${report.to})`,
  ];
  if (report.unpartitioned.length > 0) {
    const done = report.unpartitioned.filter((a) => a.status === 'materialized').length;
    lines.push(`then ${done}/${report.unpartitioned.length} unpartitioned asset(s) materialized from every partition`);
  }
  const bad = report.partitions.filter((p) => p.status !== 'materialized');
  const badAssets = report.unpartitioned.filter((a) => a.status !== 'materialized');
  if (bad.length > 0 || badAssets.length > 0) {
    const table = new Table({ head: ['partition', 'status', 'error'], style: TABLE_STYLE, wordWrap: true, colWidths: [null, null, 70] as unknown as number[] });
    for (const p of bad.slice(0, 20)) table.push([p.partition, p.status, p.errors[0] ?? '']);
    for (const a of badAssets) table.push([`${a.key} (every partition)`, a.status, a.error ?? '']);
    lines.push(table.toString());
    if (bad.length > 20) lines.push(`… and ${bad.length - 20} more; \`assay backfill status ${report.workflowId} --json\` lists them all`);
    if (bad.length > 0 && logFile) lines.push(`the worker's log has the details: ${logFile}`);
  }
  return lines.join('\n');
}
