/**
 * Who Assay says it is in every OpenLineage event (`producer`) and facet (`_producer`), and which
 * version of the OpenLineage spec it writes.
 */
import { readFileSync } from 'node:fs';

function readAssayVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  const version = (JSON.parse(text) as { version?: unknown }).version;
  return typeof version === 'string' && version !== '' ? version : '0.0.0';
}

/** The version of Assay, from the project's `package.json`. */
export const ASSAY_VERSION: string = readAssayVersion();

/**
 * URI naming the code that produced an event or facet, with its version, as the spec asks
 * ("a git url with a given tag or sha"), shaped like the Python client's own producer.
 */
export const ASSAY_PRODUCER = `https://github.com/assay-dev/assay/tree/${ASSAY_VERSION}/lineage`;

/** The OpenLineage spec version Assay writes: events validate against this `OpenLineage.json`. */
export const OPENLINEAGE_SPEC_VERSION = '2-0-2';
export const OPENLINEAGE_SPEC_URL = `https://openlineage.io/spec/${OPENLINEAGE_SPEC_VERSION}/OpenLineage.json`;

/** `schemaURL` of each event kind: a JSON pointer into the spec document. */
export const RUN_EVENT_SCHEMA_URL = `${OPENLINEAGE_SPEC_URL}#/$defs/RunEvent`;
export const JOB_EVENT_SCHEMA_URL = `${OPENLINEAGE_SPEC_URL}#/$defs/JobEvent`;
export const DATASET_EVENT_SCHEMA_URL = `${OPENLINEAGE_SPEC_URL}#/$defs/DatasetEvent`;
