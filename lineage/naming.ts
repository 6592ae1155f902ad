/**
 * Names of jobs and datasets, per the OpenLineage naming conventions
 * (https://openlineage.io/docs/spec/naming): a local file is namespace `file` + its absolute
 * path; a job lives in the scheduler's namespace and a child job is `<parent job>.<task>`.
 */
import { isAbsolute, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
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

