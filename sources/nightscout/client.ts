/**
 * Nightscout API v1 entries client: pages `/api/v1/entries.json` backwards by `date`.
 *
 * Nightscout sorts entries newest first by `date` and answers `count` entries (10 when absent);
 * without any `find[date]` / `find[dateString]` filter it only searches the last 4 days, so every
 * request here carries a date filter. Paging uses `find[date][$lte]=<oldest date seen>` and drops
 * the `_id`s already emitted at that date, so entries sharing a `date` across a page boundary are
 * neither lost nor repeated; when a whole page shares one date the page size is doubled until the
 * group fits.
 */
import { createHash } from 'node:crypto';
import { InvalidDataError, SourceRequestError } from '../../framework/errors.js';
import { parseEntries } from './entry.js';
import type { NightscoutEntry } from './entry.js';
import { getJsonText, parseJsonText, redactUrl } from './http.js';
import { credentialEnvNames } from './sites.js';
import type { NightscoutSite } from './sites.js';

export type { NightscoutEntry } from './entry.js';
export type { NightscoutSite } from './sites.js';
export { sitesFromEnv, parseSites } from './sites.js';

/** Progress of one page, for logging and metrics. */
export interface NightscoutPageInfo {
  subjectId: string;
  /** 1-based page number. */
  page: number;
  /** The request URL with credentials redacted. */
  url: string;
  /** The `count` asked for. */
  count: number;
  /** Entries in the response. */
  received: number;
  /** Entries yielded from this page (after dropping boundary repeats and out-of-range entries). */
  emitted: number;
  /** Entries yielded so far, this page included. */
  totalEmitted: number;
  /** Oldest and newest `date` yielded from this page. */
  oldestDate?: number;
  newestDate?: number;
  /** HTTP attempts this page took. */
  attempts: number;
  elapsedMs: number;
}

export interface FetchEntriesOptions {
  /** Inclusive lower bound on `date`, epoch ms. Defaults to the site's `since`, else everything. */
  since?: number;
  /** Exclusive upper bound on `date`, epoch ms. Defaults to no bound. */
  until?: number;
  /** Entries per request (`count`). Default 10000. */
  pageSize?: number;
  /** Time-out of one HTTP attempt, body included. Default 30000. */
  timeoutMs?: number;
  /** Retries per request on 5xx/408/429/time-outs/connection errors. Default 4. */
  retries?: number;
  /** First retry delay in ms, doubled per retry with jitter. Default 500. */
  retryMinTimeoutMs?: number;
  /** Longest `Retry-After` waited for; longer ones fail at once. Default 60000. */
  maxRetryAfterMs?: number;
  signal?: AbortSignal;
  onPage?(info: NightscoutPageInfo): void;
  /** Fetch implementation (tests). Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/** SHA-1 hex of an API secret: what Nightscout expects in the `api-secret` header. */
export function hashApiSecret(apiSecret: string): string {
  return createHash('sha1').update(apiSecret, 'utf8').digest('hex');
}

/** `{base}/api/v1/entries.json`; user info (`https://SECRET@host`) is removed (fetch refuses it). */
function entriesUrl(baseUrl: string): URL {
  const url = new URL(baseUrl);
  url.username = '';
  url.password = '';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/entries.json`;
  url.search = '';
  url.hash = '';
  return url;
}

function credentialAdvice(site: NightscoutSite): string {
  const names = credentialEnvNames(site.subjectId);
  const parts: string[] = [];
  if (site.apiSecret !== undefined) parts.push(`the API secret (check NIGHTSCOUT_API_SECRET or ${names.apiSecret})`);
  if (site.token !== undefined) parts.push(`the access token (check NIGHTSCOUT_TOKEN or ${names.token})`);
  return parts.join(' and ');
}

/** One response of the entries endpoint, as text; with its entries when the client had to parse it. */
export interface EntryPage {
  /** The request URL, credentials redacted. */
  url: string;
  /** The response body (a JSON array of entries), unparsed. */
  text: string;
  /**
   * The entries of this page not yielded before (boundary repeats and out-of-range entries dropped), when the page
   * was parsed; undefined for a last page that was passed on unparsed (see {@link fetchEntryPages}).
   */
  entries: NightscoutEntry[] | undefined;
  /** The `date` range asked for: `since <= date < until`. */
  since: number;
  until: number | undefined;
}

/** The fewest bytes an entry takes in JSON (`{"_id":"x","date":1,"type":"x"}`): more entries than this cannot fit. */
const MIN_ENTRY_BYTES = 32;

/**
 * Streams every entry of a site with `since <= date < until`, newest first, one array per page.
 * All entry types are returned (`sgv`, `mbg`, `cal`, …); duplicates uploaded with distinct `_id`s
 * are kept. Throws `SourceUnavailableError` (retryable), `SourceRequestError` or `InvalidDataError`.
 */
export async function* fetchEntries(
  site: NightscoutSite,
  options: FetchEntriesOptions = {},
): AsyncGenerator<NightscoutEntry[], void, undefined> {
  for await (const page of pagesOf(site, options, true)) {
    if (page.entries && page.entries.length > 0) yield page.entries;
  }
}

/**
 * Like {@link fetchEntries}, but yields each response's text, to be parsed in bulk elsewhere (e.g. by DuckDB): a
 * response too short to hold a full page is the last one, and is passed on without being parsed here. Its
 * entries may repeat earlier `_id`s at the page boundary or fall outside `[since, until)`; the consumer drops them.
 */
export function fetchEntryPages(site: NightscoutSite, options: FetchEntriesOptions = {}): AsyncGenerator<EntryPage, void, undefined> {
  return pagesOf(site, options, false);
}

/** The paging loop of {@link fetchEntries} and {@link fetchEntryPages}. */
async function* pagesOf(
  site: NightscoutSite,
  options: FetchEntriesOptions,
  parseEvery: boolean,
): AsyncGenerator<EntryPage, void, undefined> {
  const pageSize = options.pageSize ?? 10_000;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  const since = options.since ?? site.since ?? 0;
  const until = options.until;
  const userInfo = new URL(site.baseUrl).username;
  if (site.apiSecret === undefined && userInfo) site = { ...site, apiSecret: decodeURIComponent(userInfo) };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (site.apiSecret !== undefined) headers['api-secret'] = hashApiSecret(site.apiSecret);
  const base = entriesUrl(site.baseUrl);
  const shownSite = redactUrl(site.baseUrl);
  const shownBase = redactUrl(`${base.origin}${base.pathname}`);
  const request = {
    headers,
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 4,
    retryMinTimeoutMs: options.retryMinTimeoutMs ?? 500,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    signal: options.signal,
    fetch: options.fetch ?? globalThis.fetch,
    unauthorized: (status: number, detail: string) => {
      const rejected = credentialAdvice(site);
      const what = rejected
        ? `rejected ${rejected}`
        : `requires authentication and no credential is configured; set NIGHTSCOUT_API_SECRET or NIGHTSCOUT_TOKEN (or ${credentialEnvNames(site.subjectId).apiSecret})`;
      return `Nightscout site ${shownSite} (subject ${site.subjectId}) ${what}: HTTP ${status}${detail ? ` ${detail}` : ''}`;
    },
    notFound: () => `not a Nightscout site (no /api/v1/entries.json at ${shownSite}): HTTP 404 from ${shownBase}`,
  };

  /** Oldest date emitted so far; the next page asks for `date <= boundary`. */
  let boundary: number | undefined;
  /** `_id`s already emitted whose date equals `boundary`. */
  let atBoundary = new Set<string>();
  let count = pageSize;
  let previousReceived = -1;
  let page = 0;
  let total = 0;
  for (;;) {
    const params = [`count=${count}`, `find[date][$gte]=${since}`];
    if (boundary !== undefined) params.push(`find[date][$lte]=${boundary}`);
    else if (until !== undefined) params.push(`find[date][$lt]=${until}`);
    if (site.token !== undefined) params.push(`token=${encodeURIComponent(site.token)}`);
    const url = `${base.toString()}?${params.join('&')}`;
    const shown = redactUrl(url);
    const started = performance.now();
    const { text, attempts } = await getJsonText(url, request);
    // A last page too short to be full is passed on unparsed (and not reported to onPage: its count is unknown).
    page++;
    if (!parseEvery && text.length < count * MIN_ENTRY_BYTES) {
      yield { url: shown, text, entries: undefined, since, until };
      return;
    }
    const entries = parseEntries(parseJsonText(text, shown), shown);

    let oldest = Number.POSITIVE_INFINITY;
    let freshOldest = Number.POSITIVE_INFINITY;
    let newest = Number.NEGATIVE_INFINITY;
    const fresh: NightscoutEntry[] = [];
    let inRange = 0;
    for (const entry of entries) {
      const date = entry.date;
      if (date < since || (boundary !== undefined ? date > boundary : until !== undefined && date >= until)) continue;
      inRange++;
      if (date < oldest) oldest = date;
      if (date === boundary && atBoundary.has(entry._id)) continue;
      fresh.push(entry);
      if (date > newest) newest = date;
      if (date < freshOldest) freshOldest = date;
    }
    total += fresh.length;
    const info: NightscoutPageInfo = {
      subjectId: site.subjectId,
      page,
      url: shown,
      count,
      received: entries.length,
      emitted: fresh.length,
      totalEmitted: total,
      attempts,
      elapsedMs: Math.round(performance.now() - started),
    };
    if (fresh.length > 0) {
      info.oldestDate = freshOldest;
      info.newestDate = newest;
    }
    options.onPage?.(info);
    yield { url: shown, text, entries: fresh, since, until };

    if (inRange === 0) {
      if (entries.length === 0) return;
      throw new SourceRequestError(
        `Nightscout ${shown} answered ${entries.length} entries outside the requested date range; the site seems to ignore find[date] filters`,
      );
    }
    if (boundary === undefined || oldest < boundary) {
      // Progress: continue below the oldest date, remembering what was emitted at it.
      const ids = new Set<string>();
      for (const entry of entries) if (entry.date === oldest) ids.add(entry._id);
      boundary = oldest;
      atBoundary = ids;
      count = pageSize;
      previousReceived = -1;
      continue;
    }
    // Every in-range entry shares the boundary date: either that is all there is, or the group
    // is bigger than the page and the page must grow until it reaches past the group.
    for (const entry of fresh) atBoundary.add(entry._id);
    if (entries.length < count) return;
    if (entries.length <= previousReceived) {
      throw new InvalidDataError(
        `Nightscout ${shown}: more than ${entries.length} entries share date ${boundary} and the site answers at most ${entries.length} per request`,
      );
    }
    previousReceived = entries.length;
    count *= 2;
  }
}

/** Collects {@link fetchEntries} into one array (newest first). Prefer streaming for long histories. */
export async function fetchAllEntries(site: NightscoutSite, options: FetchEntriesOptions = {}): Promise<NightscoutEntry[]> {
  const all: NightscoutEntry[] = [];
  for await (const page of fetchEntries(site, options)) {
    for (const entry of page) all.push(entry);
  }
  return all;
}
