import { Client, Connection } from '@temporalio/client';
import Table from 'cli-table3';
import pc from 'picocolors';
import type { AssayConfig } from '../../assay.config.js';
import { runHistory, runHistoryEntry, type RunHistoryEntry } from '../../runtime/run-history.js';
import { connectionOptions } from '../../temporal.config.js';
import { TABLE_STYLE } from '../render.js';

/**
 * Runs `work` with a client of the configured Temporal server when one answers within 2 s (to check runs still
 * marked running), and without one otherwise: the history is on disk either way.
 */
async function withOptionalTemporal<T>(config: AssayConfig, work: (client: Client | undefined) => Promise<T>): Promise<T> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...connectionOptions(config.temporal), connectTimeout: 2_000 });
  } catch {
    return work(undefined);
  }
  try {
    return await work(new Client({ connection, namespace: config.temporal.namespace }));
  } finally {
    await connection.close();
  }
}

/** `assay runs`: recent graph runs and backfills with their asset materializations. */
export async function runsCommand(config: AssayConfig, options: { json?: boolean; limit?: number }): Promise<number> {
  const runs = await withOptionalTemporal(config, (client) => runHistory(config.home, client, options.limit ?? 10));
  if (options.json) {
    console.log(JSON.stringify({ runs }, null, 2));
    return 0;
  }
  if (runs.length === 0) {
    console.log(`no runs recorded in ${config.home}`);
    return 0;
  }
  const table = new Table({
    head: ['run', 'asset', 'partition', 'status', 'started', 'ms', 'rows', 'error'],
    style: TABLE_STYLE,
    wordWrap: true,
    colWidths: [null, null, null, null, null, null, null, 50] as unknown as number[],
  });
  for (const run of runs) {
    table.push([
      { colSpan: 8, content: pc.bold(`${run.runId.slice(0, 8)} ${run.kind} '${run.selection}'${run.partition ? ` [${run.partition}]` : ''}: ${run.status}`) + (run.note ? ` — ${run.note}` : '') },
    ]);
    for (const step of run.steps) table.push(stepRow(run, step));
  }
  console.log(table.toString());
  if (runs.some((r) => r.checked === 'unchecked')) {
    console.log(pc.dim(`Temporal at ${config.temporal.address} did not answer: runs still marked running were not checked against it`));
  }
  return 0;
}

/** `assay runs show <runId>`: one run and every materialization in it. */
export async function runsShowCommand(config: AssayConfig, runId: string, options: { json?: boolean }): Promise<number> {
  const run = await withOptionalTemporal(config, (client) => runHistoryEntry(config.home, client, runId));
  if (!run) {
    console.error(`assay: no run ${runId} recorded in ${config.home} (\`assay runs\` lists them)`);
    return 1;
  }
  if (options.json) {
    console.log(JSON.stringify(run, null, 2));
    return 0;
  }
  console.log(
    [
      `${pc.bold('run')}        ${run.runId} (${run.kind})`,
      `${pc.bold('workflow')}   ${run.workflowId}`,
      `${pc.bold('selection')}  ${run.selection}${run.partition ? ` [${run.partition}]` : ''}`,
      `${pc.bold('status')}     ${run.status}${run.note ? ` — ${run.note}` : ''}`,
      `${pc.bold('started')}    ${run.startedAt}${run.durationMs === null ? '' : `, ${run.durationMs} ms`}`,
      ...(run.error ? [`${pc.bold('error')}      ${run.error}`] : []),
    ].join('\n'),
  );
  const table = new Table({ head: ['asset', 'partition', 'status', 'attempt', 'started', 'ms', 'rows', 'worker', 'error'], style: TABLE_STYLE });
  for (const step of run.steps) {
    table.push([step.asset, step.partition ?? '', step.status, String(step.attempt), step.startedAt, step.durationMs ?? '', step.rows ?? '', step.worker, (step.note ?? step.error ?? '').slice(0, 80)]);
  }
  console.log(table.toString());
  return 0;
}

function stepRow(run: RunHistoryEntry, step: RunHistoryEntry['steps'][number]): string[] {
  return [
    run.runId.slice(0, 8),
    step.asset,
    step.partition ?? '',
    step.status,
    step.startedAt.replace(/\.\d+Z$/, 'Z'),
    step.durationMs === null ? '' : String(step.durationMs),
    step.rows === null ? '' : step.rows.toLocaleString('en-US'),
    (step.note ?? step.error ?? '').split('\n')[0]!.slice(0, 200),
  ];
}
