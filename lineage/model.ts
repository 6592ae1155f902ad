/**
 * Types of the OpenLineage 2-0-2 events and of the facets Assay sends. Field names follow the
 * spec exactly (including `processing_engine` and `ordinal_position`), so a value of these types
 * serialises with `JSON.stringify` into a valid event. Schemas: `lineage/spec/`.
 */

/** Fields every facet carries: who wrote it and which schema it follows. */
export interface BaseFacet {
  /** URI of the producer, with its version (`ASSAY_PRODUCER`). */
  _producer: string;
  /** URI of the facet's schema: `https://openlineage.io/spec/facets/<v>/<Name>.json#/$defs/<Name>`. */
  _schemaURL: string;
}

export type EventType = 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';

// ---------------------------------------------------------------- run facets

export interface RunRef {
  runId: string;
}

export interface JobRef {
  namespace: string;
  name: string;
}

/** `parent`: the run that spawned this one (for an asset, its graph run) and the root of the hierarchy. */
export interface ParentRunFacet extends BaseFacet {
  run: RunRef;
  job: JobRef;
  root?: { run: RunRef; job: JobRef };
}

/** `nominalTime`: the scheduled time (for a partition: the partition's window), not the wall-clock start. */
export interface NominalTimeRunFacet extends BaseFacet {
  nominalStartTime: string;
  nominalEndTime?: string;
}

/** `processing_engine`: what ran the job. */
export interface ProcessingEngineRunFacet extends BaseFacet {
  version: string;
  name?: string;
  openlineageAdapterVersion?: string;
}

/** `errorMessage`: why a run failed. */
export interface ErrorMessageRunFacet extends BaseFacet {
  message: string;
  programmingLanguage: string;
  stackTrace?: string;
}

export interface RunFacets {
  parent?: ParentRunFacet;
  nominalTime?: NominalTimeRunFacet;
  processing_engine?: ProcessingEngineRunFacet;
  errorMessage?: ErrorMessageRunFacet;
  [custom: string]: BaseFacet | undefined;
}

// ---------------------------------------------------------------- job facets

/** Marquez rejects a `jobType` facet unless all three fields are set. */
export interface JobTypeJobFacet extends BaseFacet {
  processingType: 'BATCH' | 'STREAMING' | 'SERVICE';
  integration: string;
  jobType: string;
}

export interface SqlJobFacet extends BaseFacet {
  query: string;
  dialect?: string;
}

export interface SourceCodeLocationJobFacet extends BaseFacet {
  /** Source control system: `git`, `svn`, or `file` when the code is not in a repository. */
  type: string;
  /** Full URL of the file (a `file://` URL for local code). */
  url: string;
  repoUrl?: string;
  path?: string;
  version?: string;
  tag?: string;
  branch?: string;
}

export interface SourceCodeJobFacet extends BaseFacet {
  language: string;
  sourceCode: string;
}

export interface DocumentationJobFacet extends BaseFacet {
  description: string;
  contentType?: string;
}

export interface Owner {
  /** Recommended as a URN: `user:jdoe`, `team:data`. */
  name: string;
  type?: string;
}

export interface OwnershipJobFacet extends BaseFacet {
  owners: Owner[];
}

export interface Tag {
  key: string;
  value: string;
  source?: string;
}

export interface TagsJobFacet extends BaseFacet {
  tags: Tag[];
}

export interface JobFacets {
  jobType?: JobTypeJobFacet;
  sql?: SqlJobFacet;
  sourceCodeLocation?: SourceCodeLocationJobFacet;
  sourceCode?: SourceCodeJobFacet;
  documentation?: DocumentationJobFacet;
  ownership?: OwnershipJobFacet;
  tags?: TagsJobFacet;
  [custom: string]: BaseFacet | undefined;
}

// ---------------------------------------------------------------- dataset facets

export interface SchemaField {
  name: string;
  type?: string;
  description?: string;
  /** 1-based position of the column. */
  ordinal_position?: number;
  /** Fields of a struct column. */
  fields?: SchemaField[];
}

export interface SchemaDatasetFacet extends BaseFacet {
  fields: SchemaField[];
}

export interface DataSourceDatasetFacet extends BaseFacet {
  name?: string;
  uri?: string;
}

export interface StorageDatasetFacet extends BaseFacet {
  storageLayer: string;
  fileFormat?: string;
}

export interface DocumentationDatasetFacet extends BaseFacet {
  description: string;
  contentType?: string;
}

/** How an input field contributes to an output column (`ColumnLineageDatasetFacet` 1-2-0). */
export interface ColumnTransformation {
  /** `DIRECT`: the output value is computed from the input value; `INDIRECT`: the input only decides which rows or how. */
  type: 'DIRECT' | 'INDIRECT';
  /**
   * DIRECT: `IDENTITY` (copied), `TRANSFORMATION` (computed from one row), `AGGREGATION` (computed from many rows).
   * INDIRECT: `JOIN`, `GROUP_BY`, `FILTER`, `SORT`, `WINDOW`, `CONDITIONAL`.
   */
  subtype?: ColumnTransformationSubtype;
  description?: string;
  /** True when the value is masked (hashed), so the original cannot be read back. */
  masking?: boolean;
}

export type ColumnTransformationSubtype =
  | 'IDENTITY'
  | 'TRANSFORMATION'
  | 'AGGREGATION'
  | 'JOIN'
  | 'GROUP_BY'
  | 'FILTER'
  | 'SORT'
  | 'WINDOW'
  | 'CONDITIONAL';

/** One input column an output column depends on. */
export interface ColumnLineageInputField {
  namespace: string;
  name: string;
  field: string;
  transformations: ColumnTransformation[];
}

/**
 * `columnLineage` (1-2-0): for each output column, the input columns it is derived from; `dataset` lists the
 * inputs that affect every row (filters, joins, grouping, sorting). Marquez stores it only next to a `schema` facet.
 */
export interface ColumnLineageDatasetFacet extends BaseFacet {
  fields: Record<string, { inputFields: ColumnLineageInputField[] }>;
  dataset?: ColumnLineageInputField[];
}

/** `symlinks`: other identifiers of the same dataset. */
export interface SymlinksDatasetFacet extends BaseFacet {
  identifiers: { namespace: string; name: string; type: string }[];
}

export interface DatasetFacets {
  schema?: SchemaDatasetFacet;
  dataSource?: DataSourceDatasetFacet;
  storage?: StorageDatasetFacet;
  documentation?: DocumentationDatasetFacet;
  columnLineage?: ColumnLineageDatasetFacet;
  symlinks?: SymlinksDatasetFacet;
  [custom: string]: BaseFacet | undefined;
}

export interface ColumnMetrics {
  nullCount?: number;
  distinctCount?: number;
  sum?: number;
  count?: number;
  min?: number;
  max?: number;
  /** Quantile (`'0.5'`) → value. */
  quantiles?: Record<string, number>;
}

/** `dataQualityMetrics` (an input facet): profile of the data a run read. */
export interface DataQualityMetricsInputDatasetFacet extends BaseFacet {
  rowCount?: number;
  bytes?: number;
  fileCount?: number;
  lastUpdated?: string;
  /** Column name → metrics. */
  columnMetrics: Record<string, ColumnMetrics>;
}

/**
 * One test on a dataset. The spec (1-1-0) defines `severity`, `expected` and `actual` itself
 * (as strings) and allows further properties.
 */
export interface Assertion {
  /** Classification: `not_null`, `unique`, `row_count`, or a Great Expectations type. */
  assertion: string;
  success: boolean;
  /** Column tested; absent when the test is on the whole dataset. */
  column?: string;
  /** `error` (failure blocks publication) or `warn`. */
  severity?: string;
  name?: string;
  description?: string;
  expected?: string;
  actual?: string;
  content?: string;
  contentType?: string;
  params?: Record<string, unknown>;
}

/** `dataQualityAssertions` (an input facet): tests run on a dataset and their results. */
export interface DataQualityAssertionsDatasetFacet extends BaseFacet {
  assertions: Assertion[];
}

export interface InputDatasetFacets {
  dataQualityMetrics?: DataQualityMetricsInputDatasetFacet;
  dataQualityAssertions?: DataQualityAssertionsDatasetFacet;
  [custom: string]: BaseFacet | undefined;
}

/** `outputStatistics`: what a run wrote. */
export interface OutputStatisticsOutputDatasetFacet extends BaseFacet {
  rowCount?: number;
  /** Bytes written. */
  size?: number;
  fileCount?: number;
}

export interface OutputDatasetFacets {
  outputStatistics?: OutputStatisticsOutputDatasetFacet;
  [custom: string]: BaseFacet | undefined;
}

// ---------------------------------------------------------------- core entities

export interface Run {
  runId: string;
  facets?: RunFacets;
}

export interface Job {
  namespace: string;
  name: string;
  facets?: JobFacets;
}

export interface Dataset {
  namespace: string;
  name: string;
  facets?: DatasetFacets;
}

export interface InputDataset extends Dataset {
  inputFacets?: InputDatasetFacets;
}

export interface OutputDataset extends Dataset {
  outputFacets?: OutputDatasetFacets;
}

// ---------------------------------------------------------------- events

interface BaseEvent {
  /** ISO 8601 with a time zone. */
  eventTime: string;
  producer: string;
  schemaURL: string;
}

/** A transition of a run: START, then one of COMPLETE / FAIL / ABORT (RUNNING and OTHER between). */
export interface RunEvent extends BaseEvent {
  eventType: EventType;
  run: Run;
  job: Job;
  inputs: InputDataset[];
  outputs: OutputDataset[];
}

/** Static metadata about a job, outside any run. */
export interface JobEvent extends BaseEvent {
  job: Job;
  inputs: InputDataset[];
  outputs: OutputDataset[];
}

/** Static metadata about a dataset, outside any run. */
export interface DatasetEvent extends BaseEvent {
  dataset: Dataset;
}

export type LineageEvent = RunEvent | JobEvent | DatasetEvent;

export type EventKind = 'RunEvent' | 'JobEvent' | 'DatasetEvent';

/** Which of the three event kinds a document is, by the spec's rule: `run` ⇒ run event, `dataset` ⇒ dataset event. */
export function eventKind(event: unknown): EventKind {
  if (typeof event === 'object' && event !== null) {
    if ('run' in event) return 'RunEvent';
    if ('dataset' in event) return 'DatasetEvent';
  }
  return 'JobEvent';
}
