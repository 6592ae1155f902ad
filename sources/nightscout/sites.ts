/**
 * Which Nightscout sites to read: from environment variables or from a sites document
 * (validated against `sites.schema.json`).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { InvalidDocumentError } from '../../framework/errors.js';

/** One Nightscout site: the data of one subject. */
export interface NightscoutSite {
  /** Stable id of the person whose data the site holds. */
  subjectId: string;
  /** Site root such as `https://example.herokuapp.com` (no trailing slash, no `/api/v1`). */
  baseUrl: string;
  /** The site's API_SECRET in clear; sent as its SHA-1 hex in the `api-secret` header. */
  apiSecret?: string;
  /** An access token (e.g. `readable-0123456789abcdef`), sent as the `token` query parameter. */
  token?: string;
  /** Readings before this epoch-ms instant are not fetched (unless the caller passes its own `since`). */
  since?: number;
}

type Env = Record<string, string | undefined>;

/** JSON Schema of a sites document: an array of sites. */
export const sitesSchema: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('./sites.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

/** Hosting domains where a site is `<name>.<domain>`; the subject id is then `<name>`. */
const HOSTING_SUFFIXES = [
  'herokuapp.com',
  'fly.dev',
  'azurewebsites.net',
  'onrender.com',
  'railway.app',
  'ns.10be.de',
  'nightscoutpro.com',
  't1pal.com',
  'vercel.app',
  'glitch.me',
  'duckdns.org',
  'ngrok-free.app',
  'ngrok.io',
];

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 64);
}

/**
 * A subject id for a site URL: the last path segment when the site lives under a path
 * (`http://127.0.0.1:8080/alice` → `alice`), the site name on known hosting domains
 * (`https://alice-ns.herokuapp.com` → `alice-ns`), else the host name (`ns.example.org` → `ns.example.org`).
 */
export function subjectIdFromUrl(url: string): string {
  const parsed = new URL(url);
  const segments = parsed.pathname.split('/').filter((segment) => segment !== '');
  const last = segments[segments.length - 1];
  if (last !== undefined && slug(decodeURIComponent(last)) !== '') return slug(decodeURIComponent(last));
  const host = parsed.hostname.toLowerCase();
  for (const suffix of HOSTING_SUFFIXES) {
    if (host.endsWith(`.${suffix}`)) {
      const name = host.slice(0, -suffix.length - 1).split('.').pop();
      if (name) return slug(name);
    }
  }
  return slug(parsed.port ? `${host}-${parsed.port}` : host);
}

/** The environment variables that can hold a subject's credentials. */
export function credentialEnvNames(subjectId: string): { apiSecret: string; token: string } {
  const suffix = subjectId.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return { apiSecret: `NIGHTSCOUT_API_SECRET_${suffix}`, token: `NIGHTSCOUT_TOKEN_${suffix}` };
}

/**
 * Parses a "since" value: epoch milliseconds (a number or all digits) or an ISO 8601 date/time
 * (`2024-01-31`, `2024-01-31T06:00:00Z`, `2024-01-31T07:00+01:00`; no offset means UTC).
 * `where` names the setting in error messages.
 */
export function parseSince(value: string | number, where: string): number {
  if (typeof value === 'number' || /^\s*\d+\s*$/.test(value)) {
    const ms = Number(value);
    if (!Number.isSafeInteger(ms) || ms < 0) throw new InvalidDocumentError(`${where}: ${value} is not an epoch-ms time`);
    if (ms > 0 && ms < 1e11) {
      throw new InvalidDocumentError(
        `${where}: ${value} looks like epoch seconds; give epoch milliseconds (${ms * 1000}) or an ISO date`,
      );
    }
    return ms;
  }
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ]([\d:.]+)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value.trim());
  // A date-time without offset is read as UTC (Date.parse would use the host's zone).
  const iso = match ? `${match[1]}T${match[2] ?? '00:00:00'}${match[3] ?? 'Z'}` : '';
  const ms = Date.parse(iso);
  if (!match || Number.isNaN(ms)) {
    throw new InvalidDocumentError(`${where}: "${value}" is neither epoch milliseconds nor an ISO 8601 date`);
  }
  return ms;
}

interface ParsedUrl {
  baseUrl: string;
  apiSecret?: string;
  token?: string;
}

/**
 * Normalises a site URL. Credentials embedded the way uploaders write them are lifted out:
 * `https://SECRET@host` gives the API secret, `?token=…` the access token. A pasted
 * `/api/v1…` suffix, the query and the fragment are dropped.
 */
export function normaliseSiteUrl(raw: string, where: string): ParsedUrl {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new InvalidDocumentError(`${where}: "${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidDocumentError(`${where}: "${url.protocol}" URLs are not supported; use http(s)://`);
  }
  const parsed: ParsedUrl = { baseUrl: '' };
  if (url.username) parsed.apiSecret = decodeURIComponent(url.username);
  const token = url.searchParams.get('token');
  if (token) parsed.token = token;
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/api\/v1(\/.*)?$/, '').replace(/\/+$/, '');
  parsed.baseUrl = url.toString().replace(/\/+$/, '');
  return parsed;
}

/**
 * Sites from the environment:
 * - `NIGHTSCOUT_URL`: one or more site URLs separated by commas or white space; each may be
 *   `subject=url`, otherwise the subject id comes from the URL (see {@link subjectIdFromUrl}).
 * - `NIGHTSCOUT_API_SECRET` / `NIGHTSCOUT_TOKEN`: credentials for every site, overridden per
 *   subject by `NIGHTSCOUT_API_SECRET_<SUBJECT>` / `NIGHTSCOUT_TOKEN_<SUBJECT>` and per URL by
 *   `https://SECRET@host` or `?token=`.
 * - `NIGHTSCOUT_SINCE`: ISO date or epoch ms; older readings are not fetched.
 * Returns `[]` when `NIGHTSCOUT_URL` is unset or empty.
 */
export function sitesFromEnv(env: Env = process.env): NightscoutSite[] {
  const list = env.NIGHTSCOUT_URL?.trim();
  if (!list) return [];
  const since = env.NIGHTSCOUT_SINCE?.trim() ? parseSince(env.NIGHTSCOUT_SINCE, 'NIGHTSCOUT_SINCE') : undefined;
  const sites: NightscoutSite[] = [];
  const seen = new Map<string, string>();
  for (const item of list.split(/[\s,]+/).filter((part) => part !== '')) {
    const pair = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$/.exec(item);
    const url = normaliseSiteUrl(pair ? (pair[2] as string) : item, 'NIGHTSCOUT_URL');
    const subjectId = pair ? (pair[1] as string) : subjectIdFromUrl(url.baseUrl);
    if (!subjectId) throw new InvalidDocumentError(`NIGHTSCOUT_URL: cannot derive a subject id from "${item}"; write subject=url`);
    const previous = seen.get(subjectId);
    if (previous !== undefined) {
      throw new InvalidDocumentError(
        `NIGHTSCOUT_URL: "${previous}" and "${item}" both map to subject "${subjectId}"; write subject=url pairs`,
      );
    }
    seen.set(subjectId, item);
    const names = credentialEnvNames(subjectId);
    const site: NightscoutSite = { subjectId, baseUrl: url.baseUrl };
    const apiSecret = url.apiSecret ?? nonEmpty(env[names.apiSecret]) ?? nonEmpty(env.NIGHTSCOUT_API_SECRET);
    const token = url.token ?? nonEmpty(env[names.token]) ?? nonEmpty(env.NIGHTSCOUT_TOKEN);
    if (apiSecret !== undefined) site.apiSecret = apiSecret;
    if (token !== undefined) site.token = token;
    if (since !== undefined) site.since = since;
    sites.push(site);
  }
  return sites;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

let validateSites: ReturnType<Ajv['compile']> | undefined;

function describe(error: ErrorObject): string {
  const pointer = error.instancePath || '/';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${pointer}: missing required property "${String(params.missingProperty)}"`;
    case 'additionalProperties':
      return `${pointer}/${String(params.additionalProperty)}: unknown property "${String(params.additionalProperty)}"`;
    case 'pattern':
      return `${pointer}: ${JSON.stringify(error.data)} does not match ${String(params.pattern)}`;
    default:
      return `${pointer}: ${error.message ?? 'is invalid'}`;
  }
}

/**
 * Validates a sites document (already parsed from JSON or YAML) against `sites.schema.json`
 * and resolves it to sites. `source` (a file name) prefixes every error, followed by the JSON
 * pointer of the offending value: `sites.yaml: /2/baseUrl: …`. Throws `InvalidDocumentError`.
 */
export function parseSites(doc: unknown, source: string, env: Env = process.env): NightscoutSite[] {
  validateSites ??= new Ajv({ allErrors: false, strict: false, verbose: true }).compile(sitesSchema);
  if (!validateSites(doc)) {
    const error = validateSites.errors?.[0];
    throw new InvalidDocumentError(`${source}: ${error ? describe(error) : 'invalid sites document'}`);
  }
  const items = doc as Array<{
    subjectId: string;
    baseUrl: string;
    apiSecret?: string;
    apiSecretEnv?: string;
    token?: string;
    tokenEnv?: string;
    since?: string | number;
  }>;
  const seen = new Map<string, number>();
  return items.map((item, index) => {
    const at = (field: string) => `${source}: /${index}/${field}`;
    const first = seen.get(item.subjectId);
    if (first !== undefined) {
      throw new InvalidDocumentError(`${at('subjectId')}: subject "${item.subjectId}" is already used by /${first}`);
    }
    seen.set(item.subjectId, index);
    const url = normaliseSiteUrl(item.baseUrl, at('baseUrl'));
    const site: NightscoutSite = { subjectId: item.subjectId, baseUrl: url.baseUrl };
    if (item.apiSecret !== undefined && item.apiSecretEnv !== undefined) {
      throw new InvalidDocumentError(`${at('apiSecretEnv')}: give apiSecret or apiSecretEnv, not both`);
    }
    if (item.token !== undefined && item.tokenEnv !== undefined) {
      throw new InvalidDocumentError(`${at('tokenEnv')}: give token or tokenEnv, not both`);
    }
    const apiSecret = item.apiSecret ?? fromEnv(env, item.apiSecretEnv, at('apiSecretEnv')) ?? url.apiSecret;
    const token = item.token ?? fromEnv(env, item.tokenEnv, at('tokenEnv')) ?? url.token;
    if (apiSecret !== undefined) site.apiSecret = apiSecret;
    if (token !== undefined) site.token = token;
    if (item.since !== undefined) site.since = parseSince(item.since, at('since'));
    return site;
  });
}

function fromEnv(env: Env, name: string | undefined, where: string): string | undefined {
  if (name === undefined) return undefined;
  const value = nonEmpty(env[name]);
  if (value === undefined) throw new InvalidDocumentError(`${where}: environment variable ${name} is not set`);
  return value;
}
