/**
 * A Nightscout-compatible HTTP server (API v1, read side) for development and tests.
 *
 * Each subject is served under `/<subjectId>` (site URL `http://127.0.0.1:PORT/<subjectId>`), and
 * at `/` as well when there is a single subject. Routes: `/api/v1/entries(.json)`,
 * `/api/v1/entries/current.json`, `/api/v1/entries/<type>.json` (e.g. `sgv`, `mbg`, `cal`),
 * `/api/v1/entries/<24-hex id>.json`, `/api/v1/status(.json)`, `/api/v1/verifyauth`.
 *
 * Auth follows cgm-remote-monitor: `api-secret` header (or `secret` query parameter) equal to the
 * SHA-1 hex (any case) or SHA-512 hex of API_SECRET; the clear secret is NOT accepted; an access
 * token as `token` query parameter (or in `api-secret`). A wrong credential is always 401; no
 * credential is 401 unless the site is publicly readable. Errors use Nightscout's JSON shape
 * `{status, message, description}`.
 *
 * The site clock (`now`) is frozen at the end of the data, so responses do not depend on the wall
 * clock: same options and seed → byte-identical bodies.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NightscoutSite } from '../../sources/nightscout/sites.js';
import { loadEntriesFile, normaliseRawEntries } from './entries-file.js';
import type { ServedEntry } from './entries-file.js';
import { DEFAULT_END, generateEntries } from './generate.js';
import { QueryError, parseEntriesQuery, selectEntries } from './query.js';

/** Faults injected into responses, for tests. Counters start when the faults are set. */
export interface SimulatorFaults {
  /** The next N requests answer `failStatus`. */
  failFirst?: number;
  /** Status of injected failures. Default 503. */
  failStatus?: number;
  /** `Retry-After` header on injected failures (seconds, or an HTTP date). */
  retryAfter?: number | string;
  /** The next N requests get their connection destroyed without an answer. */
  dropFirst?: number;
  /** Delay before answering every request. */
  latencyMs?: number;
  /** Answer every request with this instead (after the faults above). */
  respondWith?: { status?: number; contentType?: string; body: string };
}

export interface SimulatorRequest {
  method: string;
  /** Path and query as received (credentials included: this is a test server). */
  url: string;
  /** Status answered; 0 when the connection was dropped. */
  status: number;
  subjectId?: string;
}

export interface SimulatorOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** How many generated subjects (`sim-01`, `sim-02`, …) or their ids. Default 3. */
  subjects?: number | string[];
  /** Days of generated history per subject. Default 14. */
  days?: number;
  /** Default 42. */
  seed?: number;
  /** End of generated histories, epoch ms. Default {@link DEFAULT_END} (fixed). */
  end?: number;
  /** API_SECRET in clear (at least 12 characters, as Nightscout requires). */
  apiSecret?: string;
  /** Access tokens accepted as `token=` (e.g. `readable-0123456789abcdef`). */
  tokens?: string[];
  /** Whether requests without credentials may read. Default: true unless apiSecret or tokens are set. */
  publicRead?: boolean;
  /** Serve this file (JSON array or mongoexport NDJSON) as the only subject instead of generated data. */
  entriesFile?: string;
  /** Serve these raw entries as the only subject instead of generated data. */
  entries?: unknown[];
  faults?: SimulatorFaults;
  /** The site clock, epoch ms (for the 4-day default window and status). Default: end of the data. */
  now?: number;
  /** Version reported by status.json. */
  version?: string;
}

export interface NightscoutSimulator {
  /** Site URL of a subject (`http://127.0.0.1:PORT/<subjectId>`); without argument, the root (single subject). */
  url(subjectId?: string): string;
  /** One site per subject, with the simulator's credentials. */
  sites: NightscoutSite[];
  subjects: string[];
  port: number;
  close(): Promise<void>;
  /** Replaces the injected faults and restarts their counters. */
  setFaults(faults: SimulatorFaults): void;
  /** Requests received so far. */
  readonly requests: number;
  readonly requestLog: SimulatorRequest[];
  /** The entries served for a subject, newest first. */
  entries(subjectId: string): readonly ServedEntry[];
}

interface SiteData {
  subjectId: string;
  entries: ServedEntry[];
  json: Array<string | undefined>;
  byId: Map<string, number>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const HEX_ID = /^[a-f\d]{24}$/;
const MAX_LOG = 10_000;

function hex(algorithm: 'sha1' | 'sha512', text: string): string {
  return createHash(algorithm).update(text, 'utf8').digest('hex');
}

function siteData(subjectId: string, entries: ServedEntry[]): SiteData {
  // Newest first; Array.prototype.sort is stable, so equal dates keep their input order.
  const sorted = [...entries].sort((a, b) => b.date - a.date);
  const byId = new Map<string, number>();
  sorted.forEach((entry, index) => byId.set(entry._id, index));
  return { subjectId, entries: sorted, json: new Array<string | undefined>(sorted.length), byId };
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'entries';
}

function send(res: ServerResponse, status: number, body: string, contentType = JSON_TYPE, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendStatus(res: ServerResponse, status: number, message: string, description?: string, headers: Record<string, string> = {}): void {
  const body: Record<string, unknown> = { status, message };
  if (description !== undefined) body.description = description;
  send(res, status, JSON.stringify(body), JSON_TYPE, headers);
}

function splitExtension(segment: string): [string, string] {
  const dot = segment.lastIndexOf('.');
  return dot > 0 ? [segment.slice(0, dot), segment.slice(dot + 1)] : [segment, ''];
}

type Access = 'admin' | 'token' | 'none' | 'failed';

/** Starts a simulator; resolves when it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<NightscoutSimulator> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 42;
  const days = options.days ?? 14;
  const end = options.end ?? DEFAULT_END;
  if (options.apiSecret !== undefined && options.apiSecret.length < 12) {
    throw new RangeError('apiSecret must be at least 12 characters (Nightscout refuses shorter API_SECRETs)');
  }

  const sites: SiteData[] = [];
  if (options.entriesFile !== undefined || options.entries !== undefined) {
    const names = Array.isArray(options.subjects) ? options.subjects : [];
    const fromFile = options.entriesFile !== undefined ? slug(basename(options.entriesFile, extname(options.entriesFile))) : 'entries';
    const subjectId = names[0] ?? fromFile;
    const entries =
      options.entriesFile !== undefined ? loadEntriesFile(options.entriesFile) : normaliseRawEntries(options.entries, 'entries option');
    sites.push(siteData(subjectId, entries));
  } else {
    const names =
      typeof options.subjects === 'object'
        ? options.subjects
        : Array.from({ length: options.subjects ?? 3 }, (_, index) => `sim-${String(index + 1).padStart(2, '0')}`);
    for (const subjectId of names) {
      sites.push(siteData(subjectId, generateEntries({ subjectId, days, seed, end }) as unknown as ServedEntry[]));
    }
  }
  const bySubject = new Map(sites.map((site) => [site.subjectId, site]));
  if (bySubject.size !== sites.length) throw new RangeError('subject ids must be unique');
  const generated = options.entriesFile === undefined && options.entries === undefined;
  const latest = Math.max(...sites.map((site) => site.entries[0]?.date ?? Number.NEGATIVE_INFINITY));
  const now = options.now ?? (generated ? end : Number.isFinite(latest) ? latest : end);

  const secretHashes = new Set<string>();
  if (options.apiSecret !== undefined) {
    secretHashes.add(hex('sha1', options.apiSecret));
    secretHashes.add(hex('sha512', options.apiSecret));
  }
  const tokens = new Set(options.tokens ?? []);
  const publicRead = options.publicRead ?? (secretHashes.size === 0 && tokens.size === 0);

  let faults: SimulatorFaults = {};
  let failRemaining = 0;
  let dropRemaining = 0;
  const setFaults = (next: SimulatorFaults) => {
    faults = { ...next };
    failRemaining = next.failFirst ?? 0;
    dropRemaining = next.dropFirst ?? 0;
  };
  setFaults(options.faults ?? {});
  let requests = 0;
  const requestLog: SimulatorRequest[] = [];

  const access = (req: IncomingMessage, url: URL): Access => {
    const header = req.headers['api-secret'];
    const secret = url.searchParams.get('secret') ?? (Array.isArray(header) ? header[0] : header);
    const token = url.searchParams.get('token');
    if (!secret && !token) return 'none';
    if (secret && secretHashes.has(secret.toLowerCase())) return 'admin';
    if (token && tokens.has(token)) return 'token';
    if (secret && tokens.has(secret)) return 'token';
    return 'failed';
  };
  const canRead = (level: Access) => level === 'admin' || level === 'token' || (level === 'none' && publicRead);

  const status = (site: SiteData) => ({
    status: 'ok',
    name: 'nightscout',
    version: options.version ?? '15.0.3',
    serverTime: new Date(now).toISOString(),
    serverTimeEpoch: now,
    apiEnabled: true,
    careportalEnabled: true,
    boluscalcEnabled: false,
    settings: {
      units: 'mg/dl',
      timeFormat: 24,
      customTitle: `Nightscout simulator (${site.subjectId})`,
      theme: 'colors',
      language: 'en',
      enable: ['careportal', 'iob', 'cob', 'basal', 'rawbg'],
      thresholds: { bgHigh: 260, bgTargetTop: 180, bgTargetBottom: 80, bgLow: 55 },
      authDefaultRoles: publicRead ? 'readable' : 'denied',
    },
    extendedSettings: {},
    authorized: null,
    runtimeState: 'loaded',
  });

  const sendEntries = (res: ServerResponse, site: SiteData, indices: number[]) => {
    const parts = indices.map((index) => (site.json[index] ??= JSON.stringify(site.entries[index])));
    const first = indices[0] === undefined ? undefined : site.entries[indices[0]];
    const headers: Record<string, string> = first ? { 'last-modified': new Date(first.date).toUTCString() } : {};
    send(res, 200, `[${parts.join(',')}]`, JSON_TYPE, headers);
  };

  const route = (req: IncomingMessage, res: ServerResponse, url: URL, record: SimulatorRequest) => {
    const segments = url.pathname.split('/').filter((segment) => segment !== '').map(decodeURIComponent);
    let site = segments[0] === undefined ? undefined : bySubject.get(segments[0]);
    let rest = segments;
    if (site) rest = segments.slice(1);
    else if (sites.length === 1) site = sites[0];
    if (!site) {
      if (segments.length === 0) {
        const links = sites.map((s) => `<li><a href="/${s.subjectId}">${s.subjectId}</a></li>`).join('');
        return send(res, 200, `<!DOCTYPE html><title>Nightscout simulator</title><ul>${links}</ul>`, 'text/html; charset=utf-8');
      }
      return send(res, 404, `<pre>Cannot GET ${url.pathname}</pre>`, 'text/html; charset=utf-8');
    }
    record.subjectId = site.subjectId;
    if (rest.length === 0) {
      return send(res, 200, `<!DOCTYPE html><title>Nightscout</title><h1>${site.subjectId}</h1>`, 'text/html; charset=utf-8');
    }
    if (rest[0] !== 'api' || rest[1] !== 'v1' || rest[2] === undefined) {
      return send(res, 404, `<pre>Cannot GET ${url.pathname}</pre>`, 'text/html; charset=utf-8');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendStatus(res, 405, 'Method Not Allowed', 'the simulator is read-only');
    }
    const last = rest[rest.length - 1] as string;
    const [, extension] = splitExtension(last);
    const [resource] = splitExtension(rest[2]);
    const level = access(req, url);
    if (resource === 'verifyauth' && rest.length === 3) {
      const read = canRead(level);
      return send(
        res,
        200,
        JSON.stringify({
          status: 200,
          message: {
            canRead: read,
            canWrite: level === 'admin',
            isAdmin: level === 'admin',
            message: level === 'admin' || level === 'token' ? 'OK' : 'UNAUTHORIZED',
            rolefound: level === 'token' ? 'FOUND' : 'NOTFOUND',
            permissions: level === 'none' ? 'DEFAULT' : 'ROLE',
          },
        }),
      );
    }
    if ((resource !== 'entries' && resource !== 'status') || rest.length > 4 || (resource === 'status' && rest.length > 3)) {
      return send(res, 404, `<pre>Cannot GET ${url.pathname}</pre>`, 'text/html; charset=utf-8');
    }
    if (!canRead(level)) return sendStatus(res, 401, 'Unauthorized', 'Invalid/Missing');
    if (extension !== '' && extension !== 'json') {
      return sendStatus(res, 405, `Method Not Allowed (only json is supported)`);
    }
    if (resource === 'status') return send(res, 200, JSON.stringify(status(site)));

    const spec = rest[3] === undefined ? undefined : splitExtension(rest[3])[0];
    try {
      if (spec !== undefined && HEX_ID.test(spec)) {
        const index = site.byId.get(spec);
        if (index === undefined) return sendStatus(res, 500, 'Mongo Error', `No such id: '${spec}'`);
        return sendEntries(res, site, [index]);
      }
      if (spec === 'current') {
        return sendEntries(res, site, selectEntries(site.entries, parseEntriesQuery('count=1', now)));
      }
      const query = parseEntriesQuery(url.search, now, spec);
      return sendEntries(res, site, selectEntries(site.entries, query));
    } catch (error) {
      if (error instanceof QueryError) return sendStatus(res, 400, 'Bad Request', error.message);
      throw error;
    }
  };

  const server = createServer((req, res) => {
    res.sendDate = false;
    requests++;
    const record: SimulatorRequest = { method: req.method ?? 'GET', url: req.url ?? '/', status: 0 };
    if (requestLog.length < MAX_LOG) requestLog.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    void (async () => {
      if (faults.latencyMs) await sleep(faults.latencyMs);
      if (dropRemaining > 0) {
        dropRemaining--;
        req.socket.destroy();
        return;
      }
      if (failRemaining > 0) {
        failRemaining--;
        const code = faults.failStatus ?? 503;
        const headers: Record<string, string> = faults.retryAfter !== undefined ? { 'retry-after': String(faults.retryAfter) } : {};
        return sendStatus(res, code, code === 429 ? 'Too Many Requests' : 'Service Unavailable', 'injected fault', headers);
      }
      if (faults.respondWith) {
        const { status: code = 200, contentType = JSON_TYPE, body } = faults.respondWith;
        return send(res, code, body, contentType);
      }
      route(req, res, new URL(req.url ?? '/', 'http://simulator'), record);
    })().catch((error: unknown) => {
      if (!res.headersSent) sendStatus(res, 500, 'Internal Server Error', (error as Error).message);
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${shownHost}:${port}`;
  const url = (subjectId?: string) => {
    if (subjectId === undefined) {
      if (sites.length !== 1) throw new RangeError('url() without a subject needs a single-subject simulator');
      return origin;
    }
    if (!bySubject.has(subjectId)) throw new RangeError(`unknown subject ${subjectId}`);
    return `${origin}/${encodeURIComponent(subjectId)}`;
  };
  const credentials: Pick<NightscoutSite, 'apiSecret' | 'token'> = {};
  if (options.apiSecret !== undefined) credentials.apiSecret = options.apiSecret;
  else if (options.tokens?.[0] !== undefined) credentials.token = options.tokens[0];

  return {
    url,
    sites: sites.map((site) => ({ subjectId: site.subjectId, baseUrl: url(site.subjectId), ...credentials })),
    subjects: sites.map((site) => site.subjectId),
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    setFaults,
    get requests() {
      return requests;
    },
    requestLog,
    entries: (subjectId: string) => {
      const site = bySubject.get(subjectId);
      if (!site) throw new RangeError(`unknown subject ${subjectId}`);
      return site.entries;
    },
  };
}
