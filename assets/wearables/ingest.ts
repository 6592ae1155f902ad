/**
 * The compute of a raw wearables asset: every export file of one kind in `ASSAY_WEARABLES_DIR`, ingested
 * idempotently.
 *
 * 1. Each file is hashed (SHA-256). If the manifest has the same checksum for the same path, read by the same reader
 *    version, and its segment is there, the file is skipped: not parsed, its rows are the segment's.
 * 2. Any other file (new, changed, or read by an older reader) is parsed whole; a row that cannot be parsed fails
 *    the asset with a FitbitExportError naming file, line, column and value (nothing is published, the manifest is
 *    not changed). Its rows are written to a new segment.
 * 3. The asset's rows are the union of the segments of the files in the folder now, each row with its file, line,
 *    checksum and ingestion time. So a changed file replaces exactly its own rows, a removed file's rows go, and the
 *    result never depends on what an earlier run published (a run rejected by its checks, or a lost lake file, is
 *    rebuilt the same way from the segments).
 * 4. The manifest is saved, recording what this run parsed, skipped and dropped, and unreferenced segments are
 *    deleted.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { quoteIdent, quoteLiteral, type AssetContext } from '../../framework/index.js';
import { READER_VERSION, type FitbitExport } from '../../sources/wearables/fitbit-exports.js';
import { parseFitbitExport } from '../../sources/wearables/read-export.js';
import { findExportFiles, wearablesDir } from './folder.js';
import {
  ingestStore,
  loadManifest,
  pruneSegments,
  saveManifest,
  segmentName,
  type IngestedFile,
  type IngestManifest,
} from './manifest.js';
import { SQL_TYPES, writeSegment } from './segment.js';

/** The columns every raw wearables asset adds to the export's columns. */
export const LINEAGE_COLUMNS: Readonly<Record<string, string>> = {
  source_file: 'The export file the row came from, relative to ASSAY_WEARABLES_DIR',
  source_line: 'Line of the row in that file (1 = header)',
  source_sha256: 'SHA-256 of that file when it was read (hex)',
  ingested_at: 'When that file content was read (UTC); unchanged while the file is unchanged',
};

export async function ingestExports(ctx: AssetContext, spec: FitbitExport): Promise<void> {
  const dir = wearablesDir(ctx.config);
  const files = await findExportFiles(dir, spec);
  const store = ingestStore(ctx.config.home, ctx.key);
  const { manifest: previous, problem } = await loadManifest(store);
  if (problem) ctx.log.warn(`reading every ${spec.label} file again: ${problem}`);
  const known = previous.readerVersion === READER_VERSION ? previous.files : {};
  const now = new Date().toISOString();
  const current: Record<string, IngestedFile> = {};
  const parsed: string[] = [];
  const skipped: string[] = [];

  for (const file of files) {
    const bytes = await readFile(file.path);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const before = known[file.relativePath];
    if (before && before.sha256 === sha256 && existsSync(join(store.segments, before.segment))) {
      current[file.relativePath] = before;
      skipped.push(file.relativePath);
      continue;
    }
    const rows = parseFitbitExport(bytes.toString('utf8'), spec, file.path);
    const segment = segmentName(sha256, READER_VERSION);
    await writeSegment(ctx, spec, rows, join(store.segments, segment));
    current[file.relativePath] = { sha256, bytes: bytes.length, rows: rows.rows, ingestedAt: now, segment };
    parsed.push(file.relativePath);
    ctx.heartbeat({ file: file.relativePath, rows: rows.rows });
  }
  if (files.length === 0) ctx.log.warn(`no ${spec.label} files (${spec.filePrefix}*.csv) in ${dir}: publishing no rows`);

  await ctx.connection.run(`CREATE TEMP TABLE ${quoteIdent(ctx.outputTable)} AS ${unionOfSegments(spec, store.segments, current)}`);

  const removed = Object.keys(previous.files).filter((path) => !(path in current));
  const manifest: IngestManifest = {
    version: 1,
    readerVersion: READER_VERSION,
    files: current,
    lastRun: { runId: ctx.runId, at: now, dir, parsed, skipped, removed },
  };
  await saveManifest(store, manifest);
  await pruneSegments(store, manifest);
  ctx.log.info(`ingested ${spec.label} exports`, { dir, files: files.length, parsed: parsed.length, skipped: skipped.length, removed: removed.length });
}

/** The rows of the files' segments with their lineage columns, in file and line order; typed even with no file. */
function unionOfSegments(spec: FitbitExport, segments: string, files: Readonly<Record<string, IngestedFile>>): string {
  const columns = spec.columns.map((c) => quoteIdent(c.name)).join(', ');
  const noRows =
    `SELECT ${spec.columns.map((c) => `NULL::${SQL_TYPES[c.kind]} AS ${quoteIdent(c.name)}`).join(', ')}, ` +
    'NULL::VARCHAR AS source_file, NULL::INTEGER AS source_line, NULL::VARCHAR AS source_sha256, ' +
    'NULL::TIMESTAMPTZ AS ingested_at WHERE false';
  const reads = Object.entries(files).map(
    ([path, f]) =>
      `SELECT ${columns}, ${quoteLiteral(path)}, source_line, ${quoteLiteral(f.sha256)}, ` +
      `${quoteLiteral(f.ingestedAt)}::TIMESTAMPTZ FROM read_parquet(${quoteLiteral(join(segments, f.segment))})`,
  );
  return `SELECT * FROM (${[noRows, ...reads].join('\nUNION ALL ')}) ORDER BY source_file, source_line`;
}
