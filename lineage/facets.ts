/**
 * Facet builders. Each returns a facet with `_producer` (Assay, with its version) and `_schemaURL`
 * (`<facet schema $id>#/$defs/<Name>`, as the official clients write it) set, and leaves out
 * fields that are undefined so the JSON carries no `null`s.
 */
import type {
  BaseFacet,
  Assertion,
  ColumnLineageDatasetFacet,
  ColumnLineageInputField,
  ColumnMetrics,
  DataQualityAssertionsDatasetFacet,
  DataQualityMetricsInputDatasetFacet,
  DataSourceDatasetFacet,
  DocumentationDatasetFacet,
  DocumentationJobFacet,
  ErrorMessageRunFacet,
  JobRef,
  JobTypeJobFacet,
  NominalTimeRunFacet,
  OutputStatisticsOutputDatasetFacet,
  Owner,
  OwnershipJobFacet,
  ParentRunFacet,
  ProcessingEngineRunFacet,
  SchemaDatasetFacet,
  SchemaField,
  SourceCodeJobFacet,
  SourceCodeLocationJobFacet,
  SqlJobFacet,
  StorageDatasetFacet,
  SymlinksDatasetFacet,
  Tag,
  TagsJobFacet,
} from './model.js';
import { ASSAY_PRODUCER, ASSAY_VERSION } from './producer.js';

/**
 * Facet schema file → version, as copied into `lineage/spec/facets/` (OpenLineage @8f02abf).
 * A test checks these against the `$id`s of the copied files.
 */
export const FACET_SCHEMA_VERSIONS = {
  ParentRunFacet: '1-2-0',
  NominalTimeRunFacet: '1-0-1',
  ProcessingEngineRunFacet: '1-1-1',
  ErrorMessageRunFacet: '1-0-1',
  JobTypeJobFacet: '2-0-4',
  SQLJobFacet: '1-1-0',
  SourceCodeLocationJobFacet: '1-1-0',
  SourceCodeJobFacet: '1-0-1',
  DocumentationJobFacet: '1-1-0',
  OwnershipJobFacet: '1-0-1',
  TagsJobFacet: '1-0-0',
  SchemaDatasetFacet: '1-2-0',
  DatasourceDatasetFacet: '1-0-1',
  StorageDatasetFacet: '1-0-1',
  DocumentationDatasetFacet: '1-1-0',
  OutputStatisticsOutputDatasetFacet: '1-0-2',
  DataQualityMetricsInputDatasetFacet: '1-0-3',
  DataQualityAssertionsDatasetFacet: '1-1-0',
  ColumnLineageDatasetFacet: '1-2-0',
  SymlinksDatasetFacet: '1-0-1',
} as const;

export type FacetSchemaName = keyof typeof FACET_SCHEMA_VERSIONS;

/** `https://openlineage.io/spec/facets/<version>/<Name>.json#/$defs/<Name>`. */
export function facetSchemaUrl(name: FacetSchemaName): string {
  return `https://openlineage.io/spec/facets/${FACET_SCHEMA_VERSIONS[name]}/${name}.json#/$defs/${name}`;
}

/** Assay's `integration` in the `jobType` facet. */
export const ASSAY_INTEGRATION = 'ASSAY';
/** `jobType` values: an asset materialization, or the graph run that groups them (Airflow's DAG). */
export type AssayJobType = 'ASSET' | 'GRAPH';

function base(name: FacetSchemaName): { _producer: string; _schemaURL: string } {
  return { _producer: ASSAY_PRODUCER, _schemaURL: facetSchemaUrl(name) };
}

/** Copies `fields` without its undefined values. */
function defined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

function isoTime(time: Date | string): string {
  return typeof time === 'string' ? time : time.toISOString();
}

// ---------------------------------------------------------------- run facets

export interface ParentRunFacetInput {
  run: { runId: string };
  job: JobRef;
  /** Top of the hierarchy. Defaults to the parent itself (an asset's parent is its graph run, the root). */
  root?: { run: { runId: string }; job: JobRef };
}

export function parentFacet(input: ParentRunFacetInput): ParentRunFacet {
  const root = input.root ?? { run: input.run, job: input.job };
  return {
    ...base('ParentRunFacet'),
    run: { runId: input.run.runId },
    job: { namespace: input.job.namespace, name: input.job.name },
    root: {
      run: { runId: root.run.runId },
      job: { namespace: root.job.namespace, name: root.job.name },
    },
  };
}

export function nominalTimeFacet(input: { start: Date | string; end?: Date | string }): NominalTimeRunFacet {
  return defined({
    ...base('NominalTimeRunFacet'),
    nominalStartTime: isoTime(input.start),
    nominalEndTime: input.end === undefined ? undefined : isoTime(input.end),
  });
}

/** `processing_engine`: Assay itself, at its version; the lineage module is Assay's own adapter. */
export function processingEngineFacet(
  input: { name?: string; version?: string; openlineageAdapterVersion?: string } = {},
): ProcessingEngineRunFacet {
  return {
    ...base('ProcessingEngineRunFacet'),
    version: input.version ?? ASSAY_VERSION,
    name: input.name ?? 'Assay',
    openlineageAdapterVersion: input.openlineageAdapterVersion ?? ASSAY_VERSION,
  };
}

/** `errorMessage` from a thrown value (an Error's message and stack) or from explicit fields. */
export function errorMessageFacet(
  error: unknown,
  options: { programmingLanguage?: string; includeStackTrace?: boolean } = {},
): ErrorMessageRunFacet {
  let message: string;
  let stackTrace: string | undefined;
  if (error instanceof Error) {
    message = error.message || error.name;
    stackTrace = error.stack;
  } else if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    const e = error as { message: string; stackTrace?: unknown };
    message = e.message;
    stackTrace = typeof e.stackTrace === 'string' ? e.stackTrace : undefined;
  } else {
    message = String(error);
  }
  return defined({
    ...base('ErrorMessageRunFacet'),
    message,
    programmingLanguage: options.programmingLanguage ?? 'TypeScript',
    stackTrace: options.includeStackTrace === false ? undefined : stackTrace,
  });
}

// ---------------------------------------------------------------- job facets

/** `jobType` with all three fields Marquez requires: `BATCH`, `ASSAY`, and `ASSET` (or `GRAPH`). */
export function jobTypeFacet(jobType: AssayJobType | (string & {}) = 'ASSET'): JobTypeJobFacet {
  return { ...base('JobTypeJobFacet'), processingType: 'BATCH', integration: ASSAY_INTEGRATION, jobType };
}

/** `sql`: the asset's SQL as DuckDB runs it. */
export function sqlFacet(query: string, dialect = 'duckdb'): SqlJobFacet {
  return { ...base('SQLJobFacet'), query, dialect };
}

export interface SourceCodeLocationInput {
  /** `git`, `svn`, or `file` for code outside version control. */
  type: string;
  url: string;
  repoUrl?: string;
  path?: string;
  version?: string;
  tag?: string;
  branch?: string;
}

/** Assay's custom job facet `assay_declaredSql`: an asset's SQL as written, with its `{{ ref() }}` templates. */
export interface DeclaredSqlJobFacet extends BaseFacet {
  query: string;
}

export function declaredSqlFacet(query: string): DeclaredSqlJobFacet {
  return {
    _producer: ASSAY_PRODUCER,
    _schemaURL: `${ASSAY_PRODUCER}/facets/DeclaredSqlJobFacet.json#/$defs/DeclaredSqlJobFacet`,
    query,
  };
}

export function sourceCodeLocationFacet(input: SourceCodeLocationInput): SourceCodeLocationJobFacet {
  return defined({ ...base('SourceCodeLocationJobFacet'), ...input });
}

export function sourceCodeFacet(sourceCode: string, language = 'TypeScript'): SourceCodeJobFacet {
  return { ...base('SourceCodeJobFacet'), language, sourceCode };
}

export function jobDocumentationFacet(description: string, contentType?: string): DocumentationJobFacet {
  return defined({ ...base('DocumentationJobFacet'), description, contentType });
}

/** `ownership` from owner names (`'team:data'`) or `{name, type}` objects. */
export function ownershipFacet(owners: readonly (string | Owner)[]): OwnershipJobFacet {
  return {
    ...base('OwnershipJobFacet'),
    owners: owners.map((o) => (typeof o === 'string' ? { name: o } : defined({ name: o.name, type: o.type }))),
  };
}

/** `tags` from an asset's tag map; `source` defaults to `ASSAY`. */
export function tagsFacet(tags: Readonly<Record<string, string>> | readonly Tag[], source = 'ASSAY'): TagsJobFacet {
  const list: Tag[] = Array.isArray(tags)
    ? (tags as readonly Tag[]).map((t) => defined({ key: t.key, value: t.value, source: t.source ?? source }))
    : Object.entries(tags as Record<string, string>).map(([key, value]) => ({ key, value, source }));
  return { ...base('TagsJobFacet'), tags: list };
}

// ---------------------------------------------------------------- dataset facets

/** `schema` from columns; nested `fields` describe struct columns. */
export function schemaFacet(fields: readonly SchemaField[]): SchemaDatasetFacet {
  const copy = (f: SchemaField): SchemaField =>
    defined({
      name: f.name,
      type: f.type,
      description: f.description,
      ordinal_position: f.ordinal_position,
      fields: f.fields?.map(copy),
    });
  return { ...base('SchemaDatasetFacet'), fields: fields.map(copy) };
}

export function dataSourceFacet(input: { name?: string; uri?: string }): DataSourceDatasetFacet {
  return defined({ ...base('DatasourceDatasetFacet'), name: input.name, uri: input.uri });
}

/** `storage`: Assay's lake stores plain Parquet files, so `storageLayer` is `file` (not iceberg/delta). */
export function storageFacet(input: { storageLayer?: string; fileFormat?: string | null } = {}): StorageDatasetFacet {
  // `fileFormat: null` leaves the format out (a file whose format is unknown).
  return defined({
    ...base('StorageDatasetFacet'),
    storageLayer: input.storageLayer ?? 'file',
    fileFormat: input.fileFormat === null ? undefined : (input.fileFormat ?? 'parquet'),
  });
}

export function datasetDocumentationFacet(description: string, contentType?: string): DocumentationDatasetFacet {
  return defined({ ...base('DocumentationDatasetFacet'), description, contentType });
}

/** `outputStatistics`: rows and bytes written. */
export function outputStatisticsFacet(input: {
  rowCount?: number;
  size?: number;
  fileCount?: number;
}): OutputStatisticsOutputDatasetFacet {
  return defined({
    ...base('OutputStatisticsOutputDatasetFacet'),
    rowCount: input.rowCount,
    size: input.size,
    fileCount: input.fileCount,
  });
}

export function dataQualityMetricsFacet(input: {
  rowCount?: number;
  bytes?: number;
  fileCount?: number;
  lastUpdated?: Date | string;
  columnMetrics: Readonly<Record<string, ColumnMetrics>>;
}): DataQualityMetricsInputDatasetFacet {
  const columnMetrics = Object.fromEntries(
    Object.entries(input.columnMetrics).map(([column, m]) => [column, defined({ ...m })]),
  );
  return defined({
    ...base('DataQualityMetricsInputDatasetFacet'),
    rowCount: input.rowCount,
    bytes: input.bytes,
    fileCount: input.fileCount,
    lastUpdated: input.lastUpdated === undefined ? undefined : isoTime(input.lastUpdated),
    columnMetrics,
  });
}

/** An assertion as callers have it: `expected` / `actual` may be any JSON value; the spec wants strings. */
export interface AssertionInput extends Omit<Assertion, 'expected' | 'actual'> {
  expected?: unknown;
  actual?: unknown;
}

function asText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function dataQualityAssertionsFacet(assertions: readonly AssertionInput[]): DataQualityAssertionsDatasetFacet {
  return {
    ...base('DataQualityAssertionsDatasetFacet'),
    assertions: assertions.map((a) => defined({ ...a, expected: asText(a.expected), actual: asText(a.actual) }) as Assertion),
  };
}

/**
 * `columnLineage` from output column → input fields, and the dataset-wide (INDIRECT) inputs. Put it on an output
 * together with its `schema` facet: Marquez drops column lineage of an output without one.
 */
export function columnLineageFacet(input: {
  fields: Readonly<Record<string, readonly ColumnLineageInputField[]>>;
  dataset?: readonly ColumnLineageInputField[];
}): ColumnLineageDatasetFacet {
  const copy = (f: ColumnLineageInputField): ColumnLineageInputField => ({
    namespace: f.namespace,
    name: f.name,
    field: f.field,
    transformations: f.transformations.map((t) => defined({ ...t })),
  });
  const fields = Object.fromEntries(
    Object.entries(input.fields).map(([column, inputs]) => [column, { inputFields: inputs.map(copy) }]),
  );
  return defined({
    ...base('ColumnLineageDatasetFacet'),
    fields,
    dataset: input.dataset === undefined || input.dataset.length === 0 ? undefined : input.dataset.map(copy),
  });
}

/** `symlinks`: other names of the same dataset, e.g. `{ namespace: 'file', name: '/abs/path', type: 'LOCATION' }`. */
export function symlinksFacet(
  identifiers: readonly { namespace: string; name: string; type: string }[],
): SymlinksDatasetFacet {
  const copy = identifiers.map((i) => ({ namespace: i.namespace, name: i.name, type: i.type }));
  return { ...base('SymlinksDatasetFacet'), identifiers: copy };
}
