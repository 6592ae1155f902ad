/** Assay's runs as OpenLineage events: the graph run's job, a job per asset, the lake folders as datasets. */
import type { AssetDefinition, SourceDataset } from '../framework/asset.js';
import type { Definitions } from '../framework/definitions.js';
import type { ColumnSchema } from '../engine/compute.js';
import { declaredSql } from '../engine/sql-text.js';
import type { ExpectationResult, ValidationResult } from '../expectations/types.js';
import {
  assetJobName,
  dataQualityAssertionsFacet,
  dataQualityMetricsFacet,
  deterministicRunId,
  errorMessageFacet,
  fileUrl,
  inputDataset,
  jobDocumentationFacet,
  jobTypeFacet,
  lakeAssetDataset,
  lakeDatasetName,
  localFileDataset,
  webApiDataset,
  nominalTimeFacet,
  outputDataset,
  outputStatisticsFacet,
  ownershipFacet,
  parentFacet,
  processingEngineFacet,
  runEvent,
  sourceCodeLocationFacet,
  sqlFacet,
  declaredSqlFacet,
  type ColumnLineageDatasetFacet,
  type ColumnMetrics,
  type Dataset,
  type DatasetFacets,
  type EventType,
  type Job,
  type RunEvent,
  type SchemaField,
} from './index.js';

/** Identifies a graph run for lineage: its Temporal workflow id and run id, and when it started. */
export interface GraphRunRef {
  workflowId: string;
  temporalRunId: string;
  /** Workflow start time, epoch ms: the same on every retry and replay. */
  startedAt: number;
}

export interface LineageContext {
  definitions: Definitions;
  home: string;
  namespace: string;
}

/** The graph run's job name: the project's name; asset jobs are `<project>.<asset>`, as Marquez nests them. */
export function graphJobName(definitions: Definitions): string {
  return definitions.name;
}

export function graphRunId(graph: GraphRunRef): string {
  return deterministicRunId({ startedAt: graph.startedAt, parts: ['graph', graph.workflowId, graph.temporalRunId] });
}

export function assetRunId(graph: GraphRunRef, key: string, partition: string | undefined, startedAt: number): string {
  return deterministicRunId({ startedAt, parts: [key, partition ?? '', graph.temporalRunId] });
}

/** The graph run's job: the project, of type GRAPH. */
export function graphJob(ctx: LineageContext): Job {
  return { namespace: ctx.namespace, name: graphJobName(ctx.definitions), facets: { jobType: jobTypeFacet('GRAPH') } };
}

export function graphRunEvent(
  ctx: LineageContext,
  input: {
    eventType: EventType;
    graph: GraphRunRef;
    partition?: string;
    /** A scheduled run's nominal time (epoch ms). */
    nominalTime?: number;
    error?: string;
    eventTime?: Date;
  },
): RunEvent {
  return runEvent({
    eventType: input.eventType,
    ...(input.eventTime ? { eventTime: input.eventTime } : {}),
    job: graphJob(ctx),
    run: {
      runId: graphRunId(input.graph),
      facets: {
        processing_engine: processingEngineFacet(),
        ...(input.nominalTime === undefined ? {} : { nominalTime: nominalTimeFacet({ start: new Date(input.nominalTime) }) }),
        ...(input.error ? { errorMessage: errorMessageFacet(input.error) } : {}),
      },
    },
  });
}

export interface AssetEventInput {
  eventType: EventType;
  graph: GraphRunRef;
  key: string;
  /** The partition (or range `first..last`) materialized. */
  partition?: string;
  /** The time window of the partitions materialized (epoch ms, end excluded): the run's nominal time. */
  window?: { start: number; end: number };
  /** When the step was scheduled, epoch ms: the same on every attempt. */
  startedAt: number;
  /** On COMPLETE (and on a FAIL after compute): what was produced. */
  output?: { schema: ColumnSchema[]; rows: number; bytes: number };
  checks?: ValidationResult;
  /** What the asset read from outside the lake (its declared `sources`), as datasets. */
  sources?: readonly Dataset[];
  /** The SQL that ran, references resolved: the `sql` job facet (the declared SQL goes in `assay_declaredSql`). */
  sql?: string;
  /** The output's column lineage (on COMPLETE, next to its schema). */
  columnLineage?: ColumnLineageDatasetFacet;
  error?: string;
  eventTime?: Date;
}

export function assetRunEvent(ctx: LineageContext, input: AssetEventInput): RunEvent {
  const asset = ctx.definitions.graph.get(input.key);
  const graphJob = { namespace: ctx.namespace, name: graphJobName(ctx.definitions) };
  const parentRun = { runId: graphRunId(input.graph) };
  const inputs = [
    ...(input.sources ?? []).map((source) => inputDataset(source)),
    ...asset.deps.map((dep) => inputDataset(assetDataset(ctx, dep))),
  ];
  const outputFacets: DatasetFacets = input.checks ? checkFacets(input.checks) : {};
  const schema = input.output?.schema;
  const output = assetDataset(ctx, asset, schema, outputFacets, schema ? input.columnLineage : undefined);
  return runEvent({
    eventType: input.eventType,
    ...(input.eventTime ? { eventTime: input.eventTime } : {}),
    job: assetJob(ctx, asset, input.sql),
    run: {
      runId: assetRunId(input.graph, input.key, input.partition, input.startedAt),
      facets: {
        parent: parentFacet({ run: parentRun, job: graphJob }),
        processing_engine: processingEngineFacet(),
        ...(input.window
          ? { nominalTime: nominalTimeFacet({ start: new Date(input.window.start), end: new Date(input.window.end) }) }
          : {}),
        ...(input.error ? { errorMessage: errorMessageFacet(input.error) } : {}),
      },
    },
    inputs,
    outputs: [
      outputDataset(
        output,
        // What was written counts only once it is published: a FAIL after compute (failed checks) wrote nothing.
        input.output && input.eventType === 'COMPLETE'
          ? { outputStatistics: outputStatisticsFacet({ rowCount: input.output.rows, size: input.output.bytes }) }
          : undefined,
      ),
    ],
  });
}

/**
 * An asset's lake folder as a dataset — namespace its layer folder, name its key (see `lakeDatasetName`) — with
 * its description, and its columns (with their descriptions) and column lineage when `schema` is known.
 */
export function assetDataset(
  ctx: LineageContext,
  asset: AssetDefinition,
  schema?: readonly ColumnSchema[],
  facets: DatasetFacets = {},
  columnLineage?: ColumnLineageDatasetFacet,
): Dataset {
  return lakeAssetDataset({
    home: ctx.home,
    layer: asset.layer,
    key: asset.key,
    ...(asset.description ? { description: asset.description } : {}),
    ...(schema ? { fields: columnFields(asset, schema) } : {}),
    ...(schema && columnLineage ? { columnLineage } : {}),
    facets,
  });
}

/** The dataset name of an asset in the lake: what column lineage and inputs point at. */
export function assetDatasetName(ctx: LineageContext, asset: AssetDefinition): { namespace: string; name: string } {
  return lakeDatasetName({ home: ctx.home, layer: asset.layer, key: asset.key });
}

/** An asset's external sources as datasets (a web API by scheme, host and path; a file by its path). */
export function sourceDatasets(sources: readonly SourceDataset[]): Dataset[] {
  return sources.map((source) => (source.kind === 'http' ? webApiDataset(source.url) : localFileDataset(source.path)));
}

/** Schema fields of an asset's columns, with the descriptions the asset declares. */
export function columnFields(asset: AssetDefinition, schema: readonly ColumnSchema[]): SchemaField[] {
  return schema.map((c) => ({ name: c.name, type: c.type, ...describe(asset, c.name) }));
}

/**
 * The job of an asset: `<graph job>.<asset key>`, with its type, SQL (the SQL that ran, when given; the declared SQL,
 * with its `{{ ref() }}`s, in the custom `assay_declaredSql` facet), source, documentation and owners.
 */
export function assetJob(ctx: LineageContext, asset: AssetDefinition, ranSql?: string): Job {
  const { compute } = asset;
  const file = compute.file;
  const declared = declaredSql(asset);
  return {
    namespace: ctx.namespace,
    name: assetJobName(graphJobName(ctx.definitions), asset.key),
    facets: {
      jobType: jobTypeFacet('ASSET'),
      ...(declared === undefined ? {} : { sql: sqlFacet(ranSql ?? declared), assay_declaredSql: declaredSqlFacet(declared) }),
      ...(file ? { sourceCodeLocation: sourceCodeLocationFacet({ type: 'file', url: fileUrl(file), path: file }) } : {}),
      ...(asset.description ? { documentation: jobDocumentationFacet(asset.description) } : {}),
      ...(asset.owners.length ? { ownership: ownershipFacet(asset.owners) } : {}),
    },
  };
}

function describe(asset: AssetDefinition, column: string): { description?: string } {
  const description = asset.columns[column];
  return description ? { description } : {};
}


/** Expectation results as data-quality facets on the checked dataset. */
function checkFacets(checks: ValidationResult): DatasetFacets {
  const assertions = checks.results.map((r) => ({
    assertion: r.expectation_config.type,
    success: r.success,
    severity: r.severity,
    ...columnOf(r),
    expected: expectedOf(r),
    actual: r.result.observed_value ?? r.result.unexpected_count,
  }));
  const columnMetrics: Record<string, ColumnMetrics> = {};
  for (const r of checks.results) {
    const column = columnOf(r).column;
    if (!column || r.result.missing_count === undefined) continue;
    columnMetrics[column] = { nullCount: r.result.missing_count, count: r.result.element_count ?? 0 };
  }
  const rowCount = checks.results.find((r) => r.result.element_count !== undefined)?.result.element_count;
  return {
    dataQualityAssertions: dataQualityAssertionsFacet(assertions),
    dataQualityMetrics: dataQualityMetricsFacet({ ...(rowCount === undefined ? {} : { rowCount }), columnMetrics }),
  };
}

function columnOf(r: ExpectationResult): { column?: string } {
  const kwargs = r.expectation_config.kwargs;
  const column = kwargs.column ?? (Array.isArray(kwargs.column_list) ? kwargs.column_list.join(',') : undefined);
  return typeof column === 'string' ? { column } : {};
}

function expectedOf(r: ExpectationResult): unknown {
  const { column: _column, column_list: _list, result_format: _format, ...expected } = r.expectation_config.kwargs;
  return Object.keys(expected).length ? expected : undefined;
}
