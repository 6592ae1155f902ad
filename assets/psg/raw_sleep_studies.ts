import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineAsset, InvalidDataError, quoteIdent, quoteLiteral, ts, type AssetContext } from '../../framework/index.js';
import { EVENT_COLUMNS, STUDY_COLUMNS } from '../../sources/psg/study-csv.js';
import { psgDir } from './source.js';


/**
 * A CSV drop of `ASSAY_PSG_DIR` as text columns (typing happens in staging). The columns the staging models read
 * must be there (extra columns are ignored): the header, as DuckDB's CSV reader sees it, is checked first, and a
 * missing column fails the asset with an InvalidDataError naming the file, the missing columns and the expected
 * header. A missing file gives an empty table with those columns.
 */
async function loadCsv(ctx: AssetContext, file: string, columns: readonly string[]): Promise<void> {
  const path = join(psgDir(ctx.config), file);
  const wanted = columns.map((c) => `${quoteIdent(c)}::VARCHAR AS ${quoteIdent(c)}`).join(', ');
  if (!existsSync(path)) {
    ctx.log.warn(`no ${file} in the PSG folder: publishing no rows`, { path });
    const empty = columns.map((c) => `NULL::VARCHAR AS ${quoteIdent(c)}`).join(', ');
    await ctx.connection.run(`CREATE TEMP TABLE ${ctx.outputTable} AS SELECT ${empty}, NULL::VARCHAR AS source_file WHERE false`);
    return;
  }
  const source = `read_csv(${quoteLiteral(path)}, header = true, all_varchar = true)`;
  const described = await ctx.connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
  const present = new Set(described.getRowObjectsJson().map((r) => String(r.column_name)));
  const missing = columns.filter((c) => !present.has(c));
  if (missing.length > 0) {
    throw new InvalidDataError(
      `${path}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; ` +
        `expected header: ${columns.join(',')} (found: ${[...present].join(',')})`,
    );
  }
  await ctx.connection.run(`
    CREATE TEMP TABLE ${ctx.outputTable} AS
    SELECT ${wanted}, ${quoteLiteral(file)} AS source_file
    FROM ${source}`);
}

export const rawSleepStudies = defineAsset({
  key: 'raw_sleep_studies',
  group: 'psg',
  layer: 'raw',
  description: 'studies.csv of ASSAY_PSG_DIR as exported (text columns): one summary row per sleep study and night.',
  columns: { source_file: 'The CSV file the row came from' },
  tags: { source: 'csv', pii: 'health' },
  owners: ['team:data-platform'],
  codeVersion: '2',
  sources: (config) => [{ kind: 'file', path: join(psgDir(config), 'studies.csv') }],
  compute: ts((ctx) => loadCsv(ctx, 'studies.csv', STUDY_COLUMNS), import.meta.url),
});

export const rawSleepEvents = defineAsset({
  key: 'raw_sleep_events',
  group: 'psg',
  layer: 'raw',
  description: 'events.csv of ASSAY_PSG_DIR as exported (text columns): one row per scored event.',
  columns: { source_file: 'The CSV file the row came from' },
  tags: { source: 'csv', pii: 'health' },
  owners: ['team:data-platform'],
  codeVersion: '2',
  sources: (config) => [{ kind: 'file', path: join(psgDir(config), 'events.csv') }],
  compute: ts((ctx) => loadCsv(ctx, 'events.csv', EVENT_COLUMNS), import.meta.url),
});
