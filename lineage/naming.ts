/**
 * Names of jobs and datasets, per the OpenLineage naming conventions
 * (https://openlineage.io/docs/spec/naming): a dataset's namespace is its datasource as a URI
 * `scheme:[//authority]` and its name the path within it. A local file is namespace `file` (or
 * `file://{host}`) + its absolute path; a web API is `scheme://host[:port]` + the request path; a lake
 * asset is its layer folder (`file://{host}{ASSAY_HOME}/lake/{layer}`) + its key, so that the part that
 * tells assets apart comes first in a short name (see `lakeDatasetName`). A job lives in the scheduler's
 * namespace and a child job is `<parent job>.<task>`.
 */
import { isAbsolute, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidDocumentError } from '../framework/errors.js';

/** Job namespace when `OPENLINEAGE_NAMESPACE` is not set. */
export const DEFAULT_JOB_NAMESPACE = 'assay';

/** Dataset namespace of the local file system. */
export const FILE_NAMESPACE = 'file';

/**
 * Dataset identity of a folder or file on the local disk: namespace `file`, name its absolute,
 * normalised path without a trailing separator. An asset is named by its folder in the lake, so
 * every partition and version of it is one dataset.
 */
export function fileDatasetName(path: string): { namespace: string; name: string } {
  if (!isAbsolute(path)) {
    throw new InvalidDocumentError(`dataset path '${path}' must be absolute (OpenLineage names local files by absolute path)`);
  }
  let name = normalize(path);
  while (name.length > 1 && name.endsWith(sep)) name = name.slice(0, -1);
  return { namespace: FILE_NAMESPACE, name };
}

/**
 * Dataset identity of a local file or folder read as a source: namespace `file` (or `file://{host}` when `host` is
 * given, for a disk that only one machine sees), name its absolute, normalised path. Takes a path or a `file:` URL.
 */
export function localFileDatasetName(
  location: string | URL,
  options: { host?: string } = {},
): { namespace: string; name: string } {
  let path: string;
  let host = options.host;
  const text = typeof location === 'string' ? location : location.href;
  if (text.startsWith('file:')) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new InvalidDocumentError(`'${text}' is not a valid file URL`);
    }
    if (host === undefined && url.hostname !== '' && url.hostname !== 'localhost') host = url.hostname;
    url.hostname = '';
    path = fileURLToPath(url);
  } else {
    path = text;
  }
  const { name } = fileDatasetName(path);
  return { namespace: host ? `file://${host.toLowerCase()}` : FILE_NAMESPACE, name };
}

/** Query parameter names that are credentials: never part of a dataset name. */
const SECRET_PARAMS = ['token', 'secret', 'password', 'passwd', 'pwd', 'apikey', 'api_key', 'api-key', 'key', 'auth',
  'authorization', 'access_token', 'refresh_token', 'signature', 'sig', 'session', 'sessionid', 'jwt', 'bearer',
  'credential', 'credentials', 'client_secret', 'code'];
const SECRET_WORDS = ['token', 'secret', 'password', 'apikey', 'api_key', 'auth', 'credential', 'signature'];

function isSecretParam(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_PARAMS.includes(n) || SECRET_WORDS.some((w) => n.includes(w));
}

/**
 * Dataset identity of a web API resource: namespace `scheme://host[:port]` (lower-case host, default port left out),
 * name the path (`/api/v1/entries.json`). User info (`user:pass@`), the fragment and, by default, the whole query
 * are left out, so no credential ends up in lineage. With `includeQuery: true` the query is kept, sorted by
 * parameter, without parameters whose names look like credentials (`token`, `api_secret`, `key`, …). A secret
 * carried in the path itself cannot be recognised: do not name such URLs.
 */
export function webApiDatasetName(
  url: string | URL,
  options: { includeQuery?: boolean } = {},
): { namespace: string; name: string } {
  let parsed: URL;
  try {
    parsed = new URL(typeof url === 'string' ? url : url.href);
  } catch {
    throw new InvalidDocumentError(`'${redactUrl(String(url))}' is not a valid URL`);
  }
  if (parsed.host === '' || !parsed.href.startsWith(`${parsed.protocol}//`)) {
    throw new InvalidDocumentError(`'${redactUrl(parsed.href)}' has no host: a web API dataset needs scheme://host`);
  }
  const namespace = `${parsed.protocol}//${parsed.host}`;
  let name = parsed.pathname === '' ? '/' : parsed.pathname;
  if (options.includeQuery) {
    const kept = [...parsed.searchParams].filter(([key]) => !isSecretParam(key));
    kept.sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)));
    if (kept.length > 0) name += `?${new URLSearchParams(kept).toString()}`;
  }
  return { namespace, name };
}

/** A URL for messages: without user info and query. */
function redactUrl(text: string): string {
  return text.replace(/\/\/[^/@]*@/, '//').replace(/\?.*$/, '');
}

/** Where an asset lives in the lake: `ASSAY_HOME`, its layer and its key (`lake/<layer>/<key>`). */
export interface LakeAssetLocation {
  /** Absolute `ASSAY_HOME`. */
  home: string;
  layer: string;
  key: string;
  /**
   * Host in the namespace (`file://{host}/…`) for a lake on a disk that only this machine sees. Leave it out when
   * the lake is shared (NFS) or every worker runs on one machine: workers on different hosts must name the same
   * folder the same way.
   */
  host?: string;
}

/**
 * Dataset identity of a lake asset. Namespace: the layer folder as a `file` URI, `file://{host}{home}/lake/{layer}`
 * (`file:///srv/assay/.assay/lake/marts`); name: the asset key (`mart_glucose_overview`). Namespace + `/` + name is
 * the asset's folder, as in the spec's names whose datasource carries a path (Cosmos DB's
 * `azurecosmos://{host}/dbs/{database}` + `colls/{table}`). The key comes first and alone, so Marquez's graph,
 * which shows about 20 characters of a name, tells assets apart; the datasets of one layer share a namespace.
 * Add `lakeSymlink` to let tools that name the folder by its plain local path find the same dataset.
 */
export function lakeDatasetName(location: LakeAssetLocation): { namespace: string; name: string } {
  if (!isAbsolute(location.home)) {
    throw new InvalidDocumentError(`ASSAY_HOME '${location.home}' must be absolute to name lake datasets`);
  }
  if (location.layer === '' || location.layer.includes('/') || location.layer.includes(sep)) {
    throw new InvalidDocumentError(`layer '${location.layer}' must be one folder name`);
  }
  const key = location.key.split('/');
  if (key.some((part) => part === '' || part === '.' || part === '..')) {
    throw new InvalidDocumentError(`asset key '${location.key}' must be folder names joined by '/'`);
  }
  const url = pathToFileURL(join(normalize(location.home), 'lake', location.layer));
  if (location.host) url.hostname = location.host.toLowerCase();
  return { namespace: url.href.replace(/\/+$/, ''), name: location.key };
}

/** The plain local name of a lake asset's folder (namespace `file`, absolute path), for the `symlinks` facet. */
export function lakeSymlink(location: LakeAssetLocation): { namespace: string; name: string; type: string } {
  const folder = join(location.home, 'lake', location.layer, ...location.key.split('/'));
  return { ...fileDatasetName(folder), type: 'LOCATION' };
}

/** `dataSource` fields of the local file system: the same for every file, so consumers see one source. */
export function fileDataSource(): { name: string; uri: string } {
  return { name: FILE_NAMESPACE, uri: 'file:///' };
}

/** `file://` URL of a local path, for `sourceCodeLocation.url`. */
export function fileUrl(path: string): string {
  return pathToFileURL(path).href;
}

/**
 * Job name of an asset materialization inside a graph job: `<graph job>.<asset key>`, like
 * Airflow's `<dag_id>.<task_id>`. Marquez strips the `<parent>.` prefix to show the simple name.
 */
export function assetJobName(graphJob: string, assetKey: string): string {
  if (graphJob === '') throw new InvalidDocumentError('graph job name must not be empty');
  if (assetKey === '') throw new InvalidDocumentError('asset key must not be empty');
  return `${graphJob}.${assetKey}`;
}

