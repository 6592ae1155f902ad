import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { defineAsset, InvalidDocumentError, quoteLiteral, ts, type AssetContext } from '../../framework/index.js';
import { fetchEntries, type NightscoutSite } from '../../sources/nightscout/client.js';
import { loadNightscoutSites } from './sites.js';

const COLUMNS = {
  subject_id: 'VARCHAR',
  _id: 'VARCHAR',
  type: 'VARCHAR',
  sgv: 'INTEGER',
  date: 'BIGINT',
  date_string: 'VARCHAR',
  direction: 'VARCHAR',
  trend: 'INTEGER',
  device: 'VARCHAR',
  utc_offset: 'INTEGER',
  sys_time: 'VARCHAR',
} as const;

/**
 * `NIGHTSCOUT_HTTP_RETRIES` / `NIGHTSCOUT_TIMEOUT_MS` tune the client (the activity retries on top of them);
 * `NIGHTSCOUT_CONCURRENCY` (default 4) is how many sites are fetched at once.
 */
function httpOptions(env: Readonly<Record<string, string | undefined>>): { retries?: number; timeoutMs?: number; concurrency: number } {
  const read = (name: string) => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidDocumentError(`${name} must be a whole number, got '${value}'`);
    return n;
  };
  const retries = read('NIGHTSCOUT_HTTP_RETRIES');
  const timeoutMs = read('NIGHTSCOUT_TIMEOUT_MS');
  return {
    ...(retries === undefined ? {} : { retries }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    concurrency: Math.max(1, read('NIGHTSCOUT_CONCURRENCY') ?? 4),
  };
}

/** Writes a site's pages as JSON-lines files under `prefix`, one file per page; returns their paths. */
async function spoolSite(
  site: NightscoutSite,
  prefix: string,
  http: { retries?: number; timeoutMs?: number },
  ctx: AssetContext,
): Promise<string[]> {
  const files: string[] = [];
  for await (const entries of fetchEntries(site, http)) {
    const file = `${prefix}-${files.length}.jsonl`;
    const lines = entries.map((e) =>
      JSON.stringify({
        subject_id: site.subjectId,
        _id: e._id,
        type: e.type,
        sgv: e.sgv ?? null,
        date: e.date,
        date_string: e.dateString ?? null,
        direction: e.direction ?? null,
        trend: e.trend ?? null,
        device: e.device ?? null,
        utc_offset: e.utcOffset ?? null,
        sys_time: e.sysTime ?? null,
      }),
    );
    await writeFile(file, lines.join('\n') + '\n');
    files.push(file);
    ctx.heartbeat({ subject: site.subjectId, page: files.length });
  }
  ctx.log.info('fetched Nightscout site', { subject: site.subjectId, pages: files.length });
  return files;
}

/**
 * Every entry of every configured Nightscout site, as the API returns it (all entry types), one row per
 * subject and `_id`. Pages are spooled to JSON-lines files and loaded by DuckDB's JSON reader, which keeps
 * years of readings out of the JavaScript heap.
 */
export const rawNightscoutEntries = defineAsset({
  key: 'raw_nightscout_entries',
  group: 'nightscout',
  layer: 'raw',
  description:
    'Raw Nightscout API v1 entries (GET /api/v1/entries.json) of every configured site, deduplicated by _id.',
  columns: {
    subject_id: 'Subject the Nightscout site belongs to',
    _id: 'Nightscout entry id (MongoDB ObjectId)',
    type: "Entry type: 'sgv' sensor glucose, 'mbg' finger stick, 'cal' calibration",
    sgv: 'Sensor glucose (mg/dL), sgv entries only',
    date: 'Reading time, epoch milliseconds (UTC)',
    date_string: 'Reading time as the uploader wrote it (ISO 8601)',
    direction: 'Trend arrow name (Flat, FortyFiveUp, …)',
    trend: 'Trend arrow code (1 DoubleUp … 7 DoubleDown)',
    device: 'Uploader device',
    utc_offset: "Uploader's UTC offset (minutes)",
    sys_time: 'Upload system time',
  },
  tags: { source: 'nightscout', pii: 'health' },
  owners: ['team:data-platform'],
  codeVersion: '1',
  // A Nightscout site that answers 5xx or 429 is usually back within a minute.
  retry: { maximumAttempts: 5, initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  suites: ['expectations/suites/raw_nightscout_entries.json'],
  compute: ts(async (ctx) => {
    const { sites } = loadNightscoutSites(ctx.config);
    const { concurrency, ...http } = httpOptions(ctx.config.env);
    const dir = await mkdtemp(join(tmpdir(), 'assay-nightscout-'));
    try {
      // Sites are independent: fetch a few at once so one slow site does not hold up the rest.
      const limit = pLimit(concurrency);
      const perSite = await Promise.all(
        sites.map((site, index) => limit(() => spoolSite(site, join(dir, String(index)), http, ctx))),
      );
      const files = perSite.flat();
      const columns = Object.entries(COLUMNS)
        .map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`)
        .join(', ');
      const source = files.length
        ? `read_json([${files.map(quoteLiteral).join(', ')}], format = 'newline_delimited', columns = {${columns}})`
        : `(SELECT ${Object.entries(COLUMNS).map(([n, t]) => `NULL::${t} AS ${n}`).join(', ')} WHERE false)`;
      await ctx.connection.run(`
        CREATE TEMP TABLE ${ctx.outputTable} AS
        SELECT * FROM ${source}
        QUALIFY row_number() OVER (PARTITION BY subject_id, _id ORDER BY date DESC) = 1
        ORDER BY subject_id, date`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, import.meta.url),
});
