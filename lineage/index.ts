/**
 * Assay's OpenLineage client (spec 2-0-2): typed events and facets, builders, validation,
 * transports (http, file, console, composite, noop), a spooling emitter, and configuration read
 * like the Python client's (`OPENLINEAGE_*`, `openlineage.yml`). See `lineage/README.md`.
 *
 * ```ts
 * import {
 *   assetJobName, columnLineageFromSql, createLineageEmitter, deterministicRunId, errorMessageFacet,
 *   inputDataset, jobTypeFacet, lakeAssetDataset, loadLineageConfig, outputDataset, outputStatisticsFacet,
 *   parentFacet, processingEngineFacet, runEvent, sqlFacet, webApiDataset,
 * } from '../lineage/index.js';
 *
 * // Once per worker process: delivery starts at once (what an earlier run left in the spool too).
 * const config = loadLineageConfig();
 * const lineage = createLineageEmitter(config, { mode: 'background', validate: true });
 *
 * // In the materialize activity of asset `daily_mean` (layer `marts`), part of graph run `graphRunId`:
 * const graphJob = { namespace: config.namespace, name: 'nightly' };
 * const job = {
 *   namespace: config.namespace,
 *   name: assetJobName(graphJob.name, 'daily_mean'),
 *   facets: { jobType: jobTypeFacet('ASSET'), sql: sqlFacet(compiledSql) },   // the SQL as it ran
 * };
 * const run = {
 *   runId: deterministicRunId({ startedAt: workflowStartMs, parts: ['daily_mean', partition ?? '', graphRunId] }),
 *   facets: { parent: parentFacet({ run: { runId: graphRunId }, job: graphJob }), processing_engine: processingEngineFacet() },
 * };
 * const inputs = [inputDataset(lakeAssetDataset({ home, layer: 'curated', key: 'readings' }))];
 * const where = { home, layer: 'marts', key: 'daily_mean', description: 'Mean glucose per day' };
 *
 * await lineage.emit(runEvent({ eventType: 'START', run, job, inputs, outputs: [outputDataset(lakeAssetDataset(where))] }));
 * // … materialize; then, with the columns written and the query's column lineage:
 * const columnLineage = await columnLineageFromSql(connection, compiledSql, relations, columns.map((c) => c.name));
 * await lineage.emit(runEvent({
 *   eventType: 'COMPLETE', run, job, inputs,
 *   outputs: [outputDataset(lakeAssetDataset({ ...where, fields: columns, columnLineage }), {
 *     outputStatistics: outputStatisticsFacet({ rowCount, size: bytes }),
 *   })],
 * }));
 *
 * // At worker shutdown: deliver what it can in 10 s; the rest stays in the spool for the next start.
 * await lineage.close(10_000);
 * ```
 * `emit` never throws and never waits for the network: it appends the event to the spool on disk, and the
 * emitter delivers the spool in the background, run by run in order (see `lineage/README.md`).
 */

export type {
  Assertion,
  BaseFacet,
  ColumnLineageDatasetFacet,
  ColumnLineageInputField,
  ColumnMetrics,
  ColumnTransformation,
  ColumnTransformationSubtype,
  DataQualityAssertionsDatasetFacet,
  DataQualityMetricsInputDatasetFacet,
  DataSourceDatasetFacet,
  Dataset,
  DatasetEvent,
  DatasetFacets,
  DocumentationDatasetFacet,
  DocumentationJobFacet,
  ErrorMessageRunFacet,
  EventKind,
  EventType,
  InputDataset,
  InputDatasetFacets,
  Job,
  JobEvent,
  JobFacets,
  JobRef,
  JobTypeJobFacet,
  LineageEvent,
  NominalTimeRunFacet,
  OutputDataset,
  OutputDatasetFacets,
  OutputStatisticsOutputDatasetFacet,
  Owner,
  OwnershipJobFacet,
  ParentRunFacet,
  ProcessingEngineRunFacet,
  Run,
  RunEvent,
  RunFacets,
  RunRef,
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
export { eventKind } from './model.js';

export {
  ASSAY_PRODUCER,
  ASSAY_VERSION,
  DATASET_EVENT_SCHEMA_URL,
  JOB_EVENT_SCHEMA_URL,
  OPENLINEAGE_SPEC_URL,
  OPENLINEAGE_SPEC_VERSION,
  RUN_EVENT_SCHEMA_URL,
} from './producer.js';

export type { AssayJobType, AssertionInput, FacetSchemaName, ParentRunFacetInput, SourceCodeLocationInput } from './facets.js';
export {
  ASSAY_INTEGRATION,
  FACET_SCHEMA_VERSIONS,
  columnLineageFacet,
  dataQualityAssertionsFacet,
  dataQualityMetricsFacet,
  dataSourceFacet,
  datasetDocumentationFacet,
  errorMessageFacet,
  facetSchemaUrl,
  jobDocumentationFacet,
  jobTypeFacet,
  nominalTimeFacet,
  outputStatisticsFacet,
  ownershipFacet,
  parentFacet,
  processingEngineFacet,
  schemaFacet,
  sourceCodeFacet,
  sourceCodeLocationFacet,
  sqlFacet,
  declaredSqlFacet,
  storageFacet,
  symlinksFacet,
  tagsFacet,
} from './facets.js';

export type { ColumnLineageInput, ColumnLineageOptions, DeclaredColumnSource } from './column-lineage.js';
export { ColumnLineageError, columnLineageFromSql, declaredColumnLineage } from './column-lineage.js';

export type { DatasetEventInput, JobEventInput, RunEventInput } from './events.js';
export { datasetEvent, jobEvent, runEvent } from './events.js';

export type { LakeAssetDatasetInput, LakeDatasetInput, SourceDatasetInput } from './datasets.js';
export {
  inputDataset,
  lakeAssetDataset,
  lakeDataset,
  localFileDataset,
  outputDataset,
  webApiDataset,
} from './datasets.js';

export type { LakeAssetLocation } from './naming.js';
export {
  DEFAULT_JOB_NAMESPACE,
  FILE_NAMESPACE,
  assetJobName,
  fileDataSource,
  fileDatasetName,
  fileUrl,
  lakeDatasetName,
  lakeSymlink,
  localFileDatasetName,
  webApiDatasetName,
} from './naming.js';

export type { DeterministicRunIdInput } from './run-id.js';
export { deterministicRunId, isUuidV7, uuidV7Time } from './run-id.js';

export { validateAgainstAssaySchema, validateAgainstSpec, validateEvent } from './validate.js';

export type { EmitOptions, Transport } from './transport.js';
export { LineageTransportError, isRetryableDeliveryError } from './transport.js';
export type { HttpTransportOptions } from './transports/http.js';
export {
  DEFAULT_HTTP_BACKOFF_MS,
  DEFAULT_HTTP_ENDPOINT,
  DEFAULT_HTTP_MAX_BACKOFF_MS,
  DEFAULT_HTTP_RETRIES,
  DEFAULT_HTTP_RETRY_STATUSES,
  DEFAULT_HTTP_SETTLE_TIMEOUT_MS,
  DEFAULT_HTTP_TIMEOUT_MS,
  HttpTransport,
  lineageUrl,
  retryDelayMs,
} from './transports/http.js';
export type { FileTransportOptions } from './transports/file.js';
export { FileTransport } from './transports/file.js';
export type { ConsoleTransportOptions } from './transports/console.js';
export { ConsoleTransport } from './transports/console.js';
export type { CompositeMember, CompositeTransportOptions } from './transports/composite.js';
export { CompositeTransport } from './transports/composite.js';
export { NoopTransport } from './transports/noop.js';

export type { SpoolEntry, SpoolOptions } from './spool.js';
export { Spool } from './spool.js';
export type { EmitOutcome, FlushResult, LineageEmitterOptions } from './emitter.js';
export { DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_EMIT_TIMEOUT_MS, LineageEmitter } from './emitter.js';
export type { DeliveryCounts } from './delivery.js';
export type { AckRecord, RunStep } from './ordering.js';
export { AckState, compareSteps, conflictKeys, runStep } from './ordering.js';
export { AckLog } from './ack-log.js';

export type {
  CompositeTransportConfig,
  ConsoleTransportConfig,
  FileTransportConfig,
  HttpTransportConfig,
  LineageConfig,
  LineageConfigSource,
  NoopTransportConfig,
  TransportConfig,
} from './config.js';
export { loadLineageConfig } from './config.js';

export type { CreateEmitterOptions } from './create.js';
export { createLineageEmitter, createTransport } from './create.js';
