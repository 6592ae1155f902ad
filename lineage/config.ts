/**
 * Lineage configuration, read the way the OpenLineage Python client reads it. First match wins:
 *  1. `OPENLINEAGE_DISABLED=true` → no events at all (noop transport);
 *  2. the YAML file named by `OPENLINEAGE_CONFIG`;
 *  3. `./openlineage.yml` in the working directory;
 *  4. `OPENLINEAGE_URL` (+ `OPENLINEAGE_ENDPOINT`, `OPENLINEAGE_API_KEY`) → http transport;
 *  5. default: file transport, JSON lines in `${ASSAY_HOME:-./.assay}/lineage/events.jsonl`.
 * `OPENLINEAGE_NAMESPACE` names the job namespace (default `assay`). The YAML file is validated
 * against `openlineage-config.schema.json`; errors name the file, the JSON pointer and the line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { Document } from 'yaml';
import { LineCounter, parseDocument } from 'yaml';
import { InvalidDocumentError } from '../framework/errors.js';
import { DEFAULT_JOB_NAMESPACE } from './naming.js';
import { firstFinding, pointerTokens } from './schema-errors.js';
import type { FileTransportOptions } from './transports/file.js';
import type { HttpTransportOptions } from './transports/http.js';
import { DEFAULT_HTTP_ENDPOINT } from './transports/http.js';

export interface HttpTransportConfig extends HttpTransportOptions {
  type: 'http';
  name?: string;
}

export interface FileTransportConfig extends FileTransportOptions {
  type: 'file';
  name?: string;
}

export interface ConsoleTransportConfig {
  type: 'console';
  name?: string;
}

export interface NoopTransportConfig {
  type: 'noop';
  name?: string;
}

export interface CompositeTransportConfig {
  type: 'composite';
  name?: string;
  transports: TransportConfig[];
  continueOnFailure: boolean;
  continueOnSuccess: boolean;
}

export type TransportConfig =
  | HttpTransportConfig
  | FileTransportConfig
  | ConsoleTransportConfig
  | NoopTransportConfig
  | CompositeTransportConfig;

export type LineageConfigSource = 'OPENLINEAGE_DISABLED' | 'OPENLINEAGE_CONFIG' | 'openlineage.yml' | 'OPENLINEAGE_URL' | 'default';

export interface LineageConfig {
  /** True when `OPENLINEAGE_DISABLED` is set: the transport is `noop`. */
  disabled: boolean;
  /** Job namespace (`OPENLINEAGE_NAMESPACE`, default `assay`). */
  namespace: string;
  transport: TransportConfig;
  /** Which rule chose the transport. */
  source: LineageConfigSource;
  /** The YAML file read, when one was. */
  configFile?: string;
  /** Absolute `ASSAY_HOME`. */
  assayHome: string;
  /** Where undelivered events wait: `${ASSAY_HOME}/lineage/spool`. */
  spoolDir: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['true', '1', 'yes', 'on'].includes(value.trim().toLowerCase());
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function loadLineageConfig(env: Env = process.env, cwd: string = process.cwd()): LineageConfig {
  const assayHome = resolve(cwd, nonEmpty(env.ASSAY_HOME) ?? '.assay');
  const common = {
    namespace: nonEmpty(env.OPENLINEAGE_NAMESPACE) ?? DEFAULT_JOB_NAMESPACE,
    assayHome,
    spoolDir: join(assayHome, 'lineage', 'spool'),
  };
  if (isTrue(env.OPENLINEAGE_DISABLED)) {
    return { ...common, disabled: true, transport: { type: 'noop' }, source: 'OPENLINEAGE_DISABLED' };
  }
  const configVar = nonEmpty(env.OPENLINEAGE_CONFIG);
  if (configVar !== undefined) {
    const file = resolve(cwd, configVar);
    if (!existsSync(file)) {
      throw new InvalidDocumentError(`OPENLINEAGE_CONFIG names ${file}, which does not exist`);
    }
    return { ...common, disabled: false, transport: readConfigFile(file, cwd), source: 'OPENLINEAGE_CONFIG', configFile: file };
  }
  const local = join(cwd, 'openlineage.yml');
  if (existsSync(local)) {
    return { ...common, disabled: false, transport: readConfigFile(local, cwd), source: 'openlineage.yml', configFile: local };
  }
  const url = nonEmpty(env.OPENLINEAGE_URL);
  if (url !== undefined) {
    if (!/^https?:\/\//.test(url)) {
      throw new InvalidDocumentError(`OPENLINEAGE_URL '${url}' must be an http:// or https:// URL`);
    }
    const transport: HttpTransportConfig = {
      type: 'http',
      url,
      endpoint: nonEmpty(env.OPENLINEAGE_ENDPOINT) ?? DEFAULT_HTTP_ENDPOINT,
    };
    const apiKey = nonEmpty(env.OPENLINEAGE_API_KEY);
    if (apiKey !== undefined) transport.apiKey = apiKey;
    return { ...common, disabled: false, transport, source: 'OPENLINEAGE_URL' };
  }
  return {
    ...common,
    disabled: false,
    transport: { type: 'file', path: join(assayHome, 'lineage', 'events.jsonl'), append: true },
    source: 'default',
  };
}

// ---------------------------------------------------------------- the YAML file

let validateConfig: ValidateFunction | undefined;

function configValidator(): ValidateFunction {
  if (!validateConfig) {
    const schema = JSON.parse(readFileSync(new URL('./openlineage-config.schema.json', import.meta.url), 'utf8')) as object;
    validateConfig = new Ajv2020({ strict: true, strictRequired: false, allErrors: true }).compile(schema);
  }
  return validateConfig;
}

function readConfigFile(file: string, cwd: string): TransportConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidDocumentError(`cannot read lineage config ${file}: ${(err as Error).message}`, { cause: err });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const at = lineCounter.linePos(syntax.pos[0]);
    throw new InvalidDocumentError(`${file}:${at.line}:${at.col}: not valid YAML: ${syntax.message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS();
  const validate = configValidator();
  if (!validate(data)) {
    const { pointer, message } = firstFinding(validate.errors ?? []);
    const line = lineOf(doc, lineCounter, pointerTokens(pointer));
    const where = line === undefined ? '' : `:${line}`;
    throw new InvalidDocumentError(`${file}${where}: ${pointer}: ${message}`);
  }
  return normalizeTransport((data as { transport: RawTransport }).transport, cwd);
}

/** Line of the value at `tokens`, or of its nearest ancestor present in the file (for a missing key). */
function lineOf(doc: Document, lineCounter: LineCounter, tokens: readonly string[]): number | undefined {
  for (let n = tokens.length; n > 0; n--) {
    const node = doc.getIn(tokens.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** A transport as written in YAML (snake_case keys), already validated against the schema. */
interface RawTransport {
  type: TransportConfig['type'];
  name?: string;
  url?: string;
  endpoint?: string;
  timeout?: number;
  auth?: { type: 'api_key'; apiKey?: string; api_key?: string; apikey?: string };
  compression?: 'gzip';
  headers?: Record<string, string>;
  custom_headers?: Record<string, string>;
  retry?: { total?: number; backoff_factor?: number; status_forcelist?: number[] };
  log_file_path?: string;
  append?: boolean;
  transports?: RawTransport[] | Record<string, RawTransport>;
  continue_on_failure?: boolean;
  continue_on_success?: boolean;
}

function normalizeTransport(raw: RawTransport, cwd: string): TransportConfig {
  const named = raw.name === undefined ? {} : { name: raw.name };
  switch (raw.type) {
    case 'http': {
      const http: HttpTransportConfig = { type: 'http', ...named, url: raw.url!, endpoint: raw.endpoint ?? DEFAULT_HTTP_ENDPOINT };
      const apiKey = raw.auth?.apiKey ?? raw.auth?.api_key ?? raw.auth?.apikey;
      if (apiKey !== undefined) http.apiKey = apiKey;
      if (raw.timeout !== undefined) http.timeoutMs = Math.round(raw.timeout * 1000);
      if (raw.compression !== undefined) http.compression = raw.compression;
      const headers = { ...raw.custom_headers, ...raw.headers };
      if (Object.keys(headers).length > 0) http.headers = headers;
      if (raw.retry?.total !== undefined) http.retries = raw.retry.total;
      if (raw.retry?.backoff_factor !== undefined) http.backoffMs = Math.round(raw.retry.backoff_factor * 1000);
      if (raw.retry?.status_forcelist !== undefined) http.retryStatuses = raw.retry.status_forcelist;
      return http;
    }
    case 'file':
      return { type: 'file', ...named, path: resolve(cwd, raw.log_file_path!), append: raw.append ?? true };
    case 'console':
      return { type: 'console', ...named };
    case 'noop':
      return { type: 'noop', ...named };
    case 'composite': {
      const members = Array.isArray(raw.transports)
        ? raw.transports.map((t) => normalizeTransport(t, cwd))
        : Object.entries(raw.transports ?? {}).map(([key, t]) =>
            normalizeTransport({ ...t, name: t.name ?? key }, cwd),
          );
      return {
        type: 'composite',
        ...named,
        transports: members,
        continueOnFailure: raw.continue_on_failure ?? true,
        continueOnSuccess: raw.continue_on_success ?? true,
      };
    }
  }
}
