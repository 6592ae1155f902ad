/** Events as Assay builds them, with every facet it can send, for tests. */
import { inputDataset, lakeDataset, outputDataset } from '../datasets.js';
import { datasetEvent, jobEvent, runEvent } from '../events.js';
import {
  dataQualityAssertionsFacet,
  dataQualityMetricsFacet,
  errorMessageFacet,
  jobDocumentationFacet,
  jobTypeFacet,
  nominalTimeFacet,
  outputStatisticsFacet,
  ownershipFacet,
  parentFacet,
  processingEngineFacet,
  sourceCodeFacet,
  sourceCodeLocationFacet,
  sqlFacet,
  tagsFacet,
} from '../facets.js';
import type { DatasetEvent, Job, JobEvent, Run, RunEvent } from '../model.js';
import { assetJobName, fileUrl } from '../naming.js';
import { deterministicRunId } from '../run-id.js';

const LAKE = '/srv/assay/.assay/lake';
const STARTED = Date.parse('2024-05-01T03:00:00.000Z');
export const GRAPH_JOB = { namespace: 'assay', name: 'nightly' };
export const GRAPH_RUN_ID = deterministicRunId({ startedAt: STARTED, parts: ['graph', 'nightly', 'wf-123'] });

const readings = lakeDataset({
  path: `${LAKE}/staging/readings`,
  fields: [
    { name: 'ts', type: 'TIMESTAMP', description: 'reading time, UTC' },
    { name: 'sgv', type: 'INTEGER', description: 'glucose, mg/dL' },
  ],
});
const dailyMeanPath = `${LAKE}/marts/daily_mean`;

export function assetJob(): Job {
  return {
    namespace: 'assay',
    name: assetJobName(GRAPH_JOB.name, 'daily_mean'),
    facets: {
      jobType: jobTypeFacet('ASSET'),
      sql: sqlFacet('select day, avg(sgv) as mean_mg_dl from {{ ref(\'readings\') }} group by day'),
      sourceCodeLocation: sourceCodeLocationFacet({ type: 'file', url: fileUrl('/srv/assay/assets/daily_mean.sql') }),
      sourceCode: sourceCodeFacet('select day, avg(sgv) as mean_mg_dl from readings group by day', 'SQL'),
      documentation: jobDocumentationFacet('Mean glucose per day', 'text/markdown'),
      ownership: ownershipFacet(['team:glucose', { name: 'user:ada', type: 'MAINTAINER' }]),
      tags: tagsFacet({ domain: 'health' }),
    },
  };
}

export function assetRun(): Run {
  return {
    runId: deterministicRunId({ startedAt: STARTED + 1500, parts: ['daily_mean', '2024-04-30', GRAPH_RUN_ID] }),
    facets: {
      parent: parentFacet({ run: { runId: GRAPH_RUN_ID }, job: GRAPH_JOB }),
      nominalTime: nominalTimeFacet({ start: '2024-04-30T00:00:00.000Z', end: '2024-05-01T00:00:00.000Z' }),
      processing_engine: processingEngineFacet(),
    },
  };
}

const checkedReadings = inputDataset(readings, {
  dataQualityMetrics: dataQualityMetricsFacet({
    rowCount: 288,
    bytes: 9_344,
    fileCount: 1,
    lastUpdated: '2024-05-01T02:59:00.000Z',
    columnMetrics: { sgv: { nullCount: 0, distinctCount: 120, min: 54, max: 312, sum: 37_440, count: 288, quantiles: { '0.5': 128 } } },
  }),
  dataQualityAssertions: dataQualityAssertionsFacet([
    { assertion: 'expect_column_values_to_not_be_null', column: 'sgv', success: true, severity: 'error' },
    {
      assertion: 'expect_column_values_to_be_between',
      column: 'sgv',
      success: false,
      severity: 'warn',
      expected: { min_value: 40, max_value: 300 },
      actual: 2,
      params: { mostly: 0.99 },
    },
  ]),
});

export function assetStart(): RunEvent {
  return runEvent({
    eventType: 'START',
    eventTime: '2024-05-01T03:00:01.500Z',
    run: assetRun(),
    job: assetJob(),
    inputs: [checkedReadings],
    outputs: [outputDataset(lakeDataset({ path: dailyMeanPath, description: 'Mean glucose per day' }))],
  });
}

export function assetComplete(): RunEvent {
  return runEvent({
    eventType: 'COMPLETE',
    eventTime: '2024-05-01T03:00:04.000Z',
    run: assetRun(),
    job: assetJob(),
    inputs: [checkedReadings],
    outputs: [
      outputDataset(
        lakeDataset({
          path: dailyMeanPath,
          description: 'Mean glucose per day',
          fields: [
            { name: 'day', type: 'DATE', ordinal_position: 1 },
            { name: 'mean_mg_dl', type: 'DOUBLE', description: 'mean glucose, mg/dL', ordinal_position: 2 },
          ],
        }),
        { outputStatistics: outputStatisticsFacet({ rowCount: 1, size: 812, fileCount: 1 }) },
      ),
    ],
  });
}

export function assetFail(): RunEvent {
  const run = assetRun();
  const error = new Error('Binder Error: column "sgv2" not found');
  return runEvent({
    eventType: 'FAIL',
    eventTime: '2024-05-01T03:00:03.000Z',
    run: { ...run, facets: { ...run.facets, errorMessage: errorMessageFacet(error) } },
    job: assetJob(),
    inputs: [inputDataset(readings)],
    outputs: [outputDataset(lakeDataset({ path: dailyMeanPath }))],
  });
}

/** The graph run: the parent and root of its assets' runs. */
export function graphStart(): RunEvent {
  return runEvent({
    eventType: 'START',
    eventTime: '2024-05-01T03:00:00.000Z',
    run: { runId: GRAPH_RUN_ID, facets: { processing_engine: processingEngineFacet() } },
    job: { ...GRAPH_JOB, facets: { jobType: jobTypeFacet('GRAPH') } },
  });
}

export function assetJobEvent(): JobEvent {
  return jobEvent({
    eventTime: '2024-05-01T00:00:00.000Z',
    job: assetJob(),
    inputs: [inputDataset(readings)],
    outputs: [outputDataset(lakeDataset({ path: dailyMeanPath, description: 'Mean glucose per day' }))],
  });
}

export function assetDatasetEvent(): DatasetEvent {
  return datasetEvent({
    eventTime: '2024-05-01T00:00:00.000Z',
    dataset: lakeDataset({
      path: dailyMeanPath,
      description: 'Mean glucose per day',
      fields: [
        { name: 'day', type: 'DATE' },
        { name: 'mean_mg_dl', type: 'DOUBLE' },
      ],
    }),
  });
}

/** A small valid event numbered `n` (in its eventTime), to check order. */
export function numbered(n: number): RunEvent {
  const e = graphStart();
  return { ...e, eventType: 'OTHER', eventTime: new Date(Date.parse(e.eventTime) + n).toISOString() };
}

export function numberOf(event: unknown): number {
  return Date.parse((event as RunEvent).eventTime) - Date.parse(graphStart().eventTime);
}
