/**
 * Validation of lineage events, offline:
 *  - against the official OpenLineage 2-0-2 schema (`spec/OpenLineage.json`) and, for every facet
 *    it knows, the facet's own schema (`spec/facets/*.json`), with the facets' `$ref`s to
 *    `https://openlineage.io/spec/...` resolved from the local copies (no network);
 *  - against `assay-events.schema.json`, stricter: the facets Assay always sends.
 * A failure throws `InvalidDocumentError` naming the schema and the JSON pointer of the value.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { InvalidDocumentError } from '../framework/errors.js';
import type { EventKind, LineageEvent } from './model.js';
import { eventKind } from './model.js';
import { OPENLINEAGE_SPEC_URL, OPENLINEAGE_SPEC_VERSION } from './producer.js';
import { firstFinding } from './schema-errors.js';

const SPEC_DIR = new URL('./spec/', import.meta.url);
const ASSAY_SCHEMA_FILE = new URL('./assay-events.schema.json', import.meta.url);

/** Where facets sit in an event, and the schema file of each facet key the spec defines there. */
const FACET_SCHEMAS = {
  run: {
    parent: 'ParentRunFacet',
    nominalTime: 'NominalTimeRunFacet',
    processing_engine: 'ProcessingEngineRunFacet',
    errorMessage: 'ErrorMessageRunFacet',
  },
  job: {
    jobType: 'JobTypeJobFacet',
    sql: 'SQLJobFacet',
    sourceCodeLocation: 'SourceCodeLocationJobFacet',
    sourceCode: 'SourceCodeJobFacet',
    documentation: 'DocumentationJobFacet',
    ownership: 'OwnershipJobFacet',
    tags: 'TagsJobFacet',
  },
  dataset: {
    schema: 'SchemaDatasetFacet',
    dataSource: 'DatasourceDatasetFacet',
    storage: 'StorageDatasetFacet',
    documentation: 'DocumentationDatasetFacet',
    // Assay puts expectation results on the checked dataset (an asset run's output) as dataset facets.
    dataQualityMetrics: 'DataQualityMetricsInputDatasetFacet',
    dataQualityAssertions: 'DataQualityAssertionsDatasetFacet',
    columnLineage: 'ColumnLineageDatasetFacet',
    symlinks: 'SymlinksDatasetFacet',
  },
  input: {
    dataQualityMetrics: 'DataQualityMetricsInputDatasetFacet',
    dataQualityAssertions: 'DataQualityAssertionsDatasetFacet',
  },
  output: {
    outputStatistics: 'OutputStatisticsOutputDatasetFacet',
  },
} as const satisfies Record<string, Record<string, string>>;

type FacetPlace = keyof typeof FACET_SCHEMAS;

function readJson(url: URL): AnySchemaObject {
  return JSON.parse(readFileSync(url, 'utf8')) as AnySchemaObject;
}

function newAjv(strict: boolean): Ajv2020 {
  // strictRequired is off: conditional schemas (`if` / `then`) require properties declared elsewhere.
  const ajv = new Ajv2020({ strict, strictRequired: false, allErrors: false });
  addFormats.default(ajv);
  // The spec documents values with `example`, which is not a JSON Schema keyword.
  ajv.addKeyword({ keyword: 'example', schemaType: ['string', 'number', 'integer', 'boolean', 'object', 'array'] });
  return ajv;
}

interface SpecValidators {
  events: Record<EventKind, ValidateFunction>;
  /** Facet schema file name → validator of `{ <facet key>: facet }`. */
  facets: Map<string, ValidateFunction>;
}

let spec: SpecValidators | undefined;
let assay: Record<EventKind, ValidateFunction> | undefined;

function specValidators(): SpecValidators {
  if (spec) return spec;
  const ajv = newAjv(false);
  ajv.addSchema(readJson(new URL('OpenLineage.json', SPEC_DIR)));
  const facets = new Map<string, ValidateFunction>();
  const facetDir = new URL('facets/', SPEC_DIR);
  for (const file of readdirSync(facetDir).filter((f) => f.endsWith('.json'))) {
    const schema = readJson(new URL(file, facetDir));
    ajv.addSchema(schema);
    facets.set(file.replace(/\.json$/, ''), ajv.getSchema(schema.$id as string)!);
  }
  const get = (kind: EventKind): ValidateFunction => ajv.getSchema(`${OPENLINEAGE_SPEC_URL}#/$defs/${kind}`)!;
  spec = { events: { RunEvent: get('RunEvent'), JobEvent: get('JobEvent'), DatasetEvent: get('DatasetEvent') }, facets };
  return spec;
}

function assayValidators(): Record<EventKind, ValidateFunction> {
  if (assay) return assay;
  const ajv = newAjv(true);
  const schema = readJson(ASSAY_SCHEMA_FILE);
  ajv.addSchema(schema);
  const get = (kind: EventKind): ValidateFunction => ajv.getSchema(`${schema.$id as string}#/$defs/${kind}`)!;
  assay = { RunEvent: get('RunEvent'), JobEvent: get('JobEvent'), DatasetEvent: get('DatasetEvent') };
  return assay;
}

function fail(kind: EventKind, against: string, errors: readonly ErrorObject[] | null | undefined, prefix = ''): never {
  const { pointer, message } = firstFinding(errors ?? []);
  const at = prefix === '' ? pointer : prefix + (pointer === '/' ? '' : pointer);
  throw new InvalidDocumentError(`lineage ${kind} does not match ${against} at ${at}: ${message}`);
}

function checkKind(event: unknown): EventKind {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidDocumentError('lineage event must be a JSON object at /');
  }
  return eventKind(event);
}

/** Facets of an event, with the pointer of their container and where they sit. */
function* facetContainers(event: Record<string, unknown>): Generator<[string, FacetPlace, unknown]> {
  const run = event.run as Record<string, unknown> | undefined;
  if (run) yield ['/run/facets', 'run', run.facets];
  const job = event.job as Record<string, unknown> | undefined;
  if (job) yield ['/job/facets', 'job', job.facets];
  const dataset = event.dataset as Record<string, unknown> | undefined;
  if (dataset) yield ['/dataset/facets', 'dataset', dataset.facets];
  for (const list of ['inputs', 'outputs'] as const) {
    const datasets = event[list];
    if (!Array.isArray(datasets)) continue;
    for (const [i, d] of datasets.entries()) {
      if (typeof d !== 'object' || d === null) continue;
      const ds = d as Record<string, unknown>;
      yield [`/${list}/${i}/facets`, 'dataset', ds.facets];
      if (list === 'inputs') yield [`/${list}/${i}/inputFacets`, 'input', ds.inputFacets];
      else yield [`/${list}/${i}/outputFacets`, 'output', ds.outputFacets];
    }
  }
}

/** Validates against the official OpenLineage 2-0-2 schema and the schema of each facet it defines. */
export function validateAgainstSpec(event: unknown): asserts event is LineageEvent {
  const kind = checkKind(event);
  const { events, facets } = specValidators();
  const against = `the OpenLineage ${OPENLINEAGE_SPEC_VERSION} spec`;
  const validate = events[kind];
  if (!validate(event)) fail(kind, against, validate.errors);
  for (const [pointer, place, container] of facetContainers(event as Record<string, unknown>)) {
    if (typeof container !== 'object' || container === null) continue;
    const known: Record<string, string> = FACET_SCHEMAS[place];
    for (const [key, value] of Object.entries(container)) {
      const file = known[key];
      const validateFacet = file === undefined ? undefined : facets.get(file);
      if (!validateFacet) continue;
      if (!validateFacet({ [key]: value })) {
        fail(kind, `${against} (${file})`, validateFacet.errors, pointer);
      }
    }
  }
}

/** Validates against `assay-events.schema.json`: what Assay always sends. */
export function validateAgainstAssaySchema(event: unknown): asserts event is LineageEvent {
  const kind = checkKind(event);
  const validate = assayValidators()[kind];
  if (!validate(event)) fail(kind, 'assay-events.schema.json', validate.errors);
}

/**
 * Validates an event Assay built: first against the official spec, then against Assay's stricter
 * schema. Throws `InvalidDocumentError` with the JSON pointer of the first offending value.
 */
export function validateEvent(event: unknown): asserts event is LineageEvent {
  validateAgainstSpec(event);
  validateAgainstAssaySchema(event);
}
