import Table from 'cli-table3';
import pc from 'picocolors';
import type { AssetRunResult, AssetStatus, GraphRunResult } from '../workflows/shared.js';

const STATUS_COLOR: Record<AssetStatus, (s: string) => string> = {
  pending: pc.dim,
  running: pc.cyan,
  materialized: pc.green,
  failed: pc.red,
  skipped: pc.yellow,
};

/**
 * cli-table3's own colours (through @colors/colors) ignore whether stdout is a terminal; follow picocolors instead, so a
 * table piped to a file or another program (or printed with NO_COLOR) is plain text.
 */
export const TABLE_STYLE = pc.isColorSupported ? { head: ['bold'], border: ['grey'] } : { head: [], border: [] };

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** One line per asset, for live progress on a terminal. */
export function progressLines(progress: GraphRunResult): string {
  return progress.assets
    .map((a) => `${STATUS_COLOR[a.status](a.status.padEnd(12))} ${a.key}${a.partition ? ` [${a.partition}]` : ''}`)
    .join('\n');
}

/** The per-asset summary table printed when a run ends; with a failure, where the worker's logs have the details. */
export function resultTable(result: GraphRunResult, logFile?: string): string {
  const anyError = result.assets.some((a) => a.error);
  const table = new Table({
    head: ['asset', 'status', 'rows', 'bytes', 'ms', ...(anyError ? ['error'] : [])],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'left'],
    style: TABLE_STYLE,
    wordWrap: true,
    // Only the error column wraps; the others keep their natural width.
    ...(anyError ? { colWidths: [null, null, null, null, null, 60] as unknown as number[] } : {}),
  });
  for (const a of result.assets) table.push(anyError ? row(a) : row(a).slice(0, 5));
  const failed = result.assets.filter((a) => a.status === 'failed').length;
  const footer = failed > 0 && logFile ? `\n${failed} asset(s) failed; the worker's log has the details: ${logFile}` : '';
  return table.toString() + footer;
}

function row(a: AssetRunResult): string[] {
  return [
    a.key + (a.partition ? ` [${a.partition}]` : ''),
    STATUS_COLOR[a.status](a.status) + (a.reusedFrom ? pc.dim(' (reused)') : ''),
    a.rows === null ? '' : a.rows.toLocaleString('en-US'),
    formatBytes(a.bytes),
    a.durationMs === null ? '' : String(a.durationMs),
    a.error ?? '',
  ];
}

/** The `--json` document: `{runId, status, assets: [{key, partition, status, rows, bytes, durationMs, path, error}]}`. */
export function resultJson(result: GraphRunResult): string {
  return JSON.stringify(
    {
      runId: result.runId,
      workflowId: result.workflowId,
      status: result.status,
      assets: result.assets.map(({ key, partition, status, rows, bytes, durationMs, path, error }) => ({
        key,
        partition,
        status,
        rows,
        bytes,
        durationMs,
        path,
        error,
      })),
    },
    null,
    2,
  );
}
