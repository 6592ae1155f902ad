import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import {
  defineAsset,
  InvalidDataError,
  InvalidDocumentError,
  quoteLiteral,
  singleRunBackfill,
  ts,
  type AssetContext,
  type BackfillPolicy,
  type TimePartitions,
} from '../../framework/index.js';
import { fetchEntryPages, type NightscoutSite } from '../../sources/nightscout/client.js';
import { parseEntries } from '../../sources/nightscout/entry.js';
import { entriesFromPages } from '../../sources/nightscout/entries-sql.js';
import { loadNightscoutSites } from './sites.js';

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

interface SpooledPage {
  file: string;
  subjectId: string;
  url: string;
  since: number;
  until: number;
}

/** Writes every response of a site for the window as it came (a JSON array) to a file of its own. */
async function spoolSite(
  site: NightscoutSite,
  prefix: string,
  window: { since: number; until: number },
  http: { retries?: number; timeoutMs?: number },
  ctx: AssetContext,
): Promise<SpooledPage[]> {
  const pages: SpooledPage[] = [];
  for await (const page of fetchEntryPages(site, { ...http, since: window.since, until: window.until, pageSize: 50_000 })) {
    const file = `${prefix}-${pages.length}.json`;
    await writeFile(file, page.text);
    pages.push({ file, subjectId: site.subjectId, url: page.url, ...window });
    ctx.heartbeat({ subject: site.subjectId, page: pages.length });
  }
  return pages;
}

/**
 * Raw Nightscout entries, fetched per partition window. A partition is a day in the partitions' time zone:
 * `find[date][$gte]` / `[$lt]` are the epoch milliseconds of its start and end (on a DST change, 23 or 25 hours), so
 * each day's files hold exactly the readings taken that day. A single run covers a range of days with one request
 * per site and page, and one DuckDB query writing a folder per day.
 */
export function rawNightscoutEntriesAsset(partitions: TimePartitions, backfillPolicy: BackfillPolicy = singleRunBackfill()) {
  return defineAsset({
    key: 'raw_nightscout_entries',
    group: 'nightscout',
    layer: 'raw',
    description:
      'Raw Nightscout API v1 entries (GET /api/v1/entries.json) of every configured site, deduplicated by _id, ' +
      'partitioned by the day of the reading in the partitions’ time zone.',
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
      local_date: 'Day of the reading in the partitions’ time zone: the partition',
    },
    tags: { source: 'nightscout', pii: 'health' },
    owners: ['team:data-platform'],
    codeVersion: '2',
    // A Nightscout site that answers 5xx or 429 is usually back within a minute.
    retry: { maximumAttempts: 5, initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
    suites: ['expectations/suites/raw_nightscout_entries.json'],
    // Each site's entries endpoint (lineage names it by scheme, host and path: no credentials).
    sources: (config) =>
      loadNightscoutSites(config).sites.map((site) => ({ kind: 'http' as const, url: `${site.baseUrl.replace(/\/+$/, '')}/api/v1/entries.json` })),
    partitions,
    backfillPolicy,
    partitionColumn: 'local_date',
    compute: ts(async (ctx) => {
      const { sites } = loadNightscoutSites(ctx.config);
      const { concurrency, ...http } = httpOptions(ctx.config.env);
      const { start, end } = ctx.partitions!.window!;
      const window = { since: start.getTime(), until: end.getTime() };
      const dir = await mkdtemp(join(tmpdir(), 'assay-nightscout-'));
      try {
        // Sites are independent: fetch a few at once so one slow site does not hold up the rest.
        const limit = pLimit(concurrency);
        const perSite = await Promise.all(
          sites.map((site, index) => limit(() => spoolSite(site, join(dir, String(index)), window, http, ctx))),
        );
        const pages = perSite.flat();
        ctx.log.info('fetched Nightscout sites', { sites: sites.length, pages: pages.length });
        await loadPages(ctx, pages, partitions.timezone);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, import.meta.url),
  });
}

/** Reads the spooled pages with DuckDB into the output table; an invalid entry fails the asset, naming its page. */
async function loadPages(ctx: AssetContext, pages: SpooledPage[], timezone: string): Promise<void> {
  const { connection } = ctx;
  const empty = pages.length === 0;
  const mapping = empty
    ? `SELECT NULL::VARCHAR AS filename, NULL::VARCHAR AS subject_id, NULL::VARCHAR AS url, NULL::BIGINT AS since, NULL::BIGINT AS until WHERE false`
    : `SELECT * FROM (VALUES ${pages
        .map((p) => `(${quoteLiteral(p.file)}, ${quoteLiteral(p.subjectId)}, ${quoteLiteral(p.url)}, ${p.since}, ${p.until})`)
        .join(', ')}) AS t(filename, subject_id, url, since, until)`;
  await connection.run(`CREATE OR REPLACE TEMP TABLE nightscout_pages AS ${mapping}`);
  const entries = empty
    ? `(SELECT NULL::VARCHAR AS filename, NULL::VARCHAR AS _id, NULL::VARCHAR AS type, NULL::DOUBLE AS sgv, NULL::BIGINT AS date,
        NULL::VARCHAR AS date_string, NULL::DOUBLE AS trend, NULL::VARCHAR AS direction, NULL::VARCHAR AS device,
        NULL::DOUBLE AS utc_offset, NULL::VARCHAR AS sys_time, true AS valid WHERE false)`
    : `(${entriesFromPages(pages.map((p) => p.file))})`;
  try {
    await connection.run(`CREATE OR REPLACE TEMP TABLE nightscout_entries AS
      SELECT p.subject_id, p.url, p.since, p.until, e.* FROM ${entries} e JOIN nightscout_pages p USING (filename)`);
  } catch (err) {
    await explainUnreadable(pages, err);
  }
  const invalid = await connection.runAndReadAll(`SELECT filename FROM nightscout_entries WHERE NOT valid LIMIT 1`);
  const bad = invalid.getRows()[0]?.[0];
  if (bad !== undefined) await explainUnreadable(pages.filter((p) => p.file === bad), undefined);
  await connection.run(`
    CREATE TEMP TABLE ${ctx.outputTable} AS
    SELECT
      subject_id, _id, type, round(sgv)::INTEGER AS sgv, date, date_string, direction, round(trend)::INTEGER AS trend,
      device, round(utc_offset)::INTEGER AS utc_offset, sys_time,
      timezone(${quoteLiteral(timezone)}, make_timestamptz(date * 1000))::DATE AS local_date
    FROM nightscout_entries
    -- A page may repeat entries of the page before it (same date at the boundary) or, from a site that ignores
    -- part of the filter, reach outside the window.
    WHERE date >= since AND date < until
    QUALIFY row_number() OVER (PARTITION BY subject_id, _id ORDER BY date DESC) = 1
    ORDER BY subject_id, date, _id`);
}

/**
 * Finds the page DuckDB could not read (or that holds an invalid entry) and fails with the message of the
 * JavaScript reader, which names the page URL, the entry and the field.
 */
async function explainUnreadable(pages: SpooledPage[], cause: unknown): Promise<never> {
  for (const page of pages) {
    const text = await readFile(page.file, 'utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new InvalidDataError(`Nightscout ${page.url} answered a body that is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    parseEntries(body, page.url);
  }
  throw new InvalidDataError(
    `Nightscout entries could not be read${pages[0] ? ` (page ${pages[0].url})` : ''}: ${cause instanceof Error ? cause.message : 'an entry is invalid'}`,
    { cause },
  );
}
