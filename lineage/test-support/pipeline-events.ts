/**
 * The events of one graph run as Assay's engine emits them, for contract tests and the bench: a graph run
 * (START first, COMPLETE last) and asset runs under it, each a START (output without schema) and a COMPLETE
 * (output with schema, column lineage and data-quality assertions), interleaved as concurrent assets would be.
 */
import { declaredColumnLineage } from '../column-lineage.js';
import { inputDataset, lakeAssetDataset, outputDataset, webApiDataset } from '../datasets.js';
import { runEvent } from '../events.js';
import {
  dataQualityAssertionsFacet,
  jobTypeFacet,
  outputStatisticsFacet,
  parentFacet,
  processingEngineFacet,
} from '../facets.js';
import type { RunEvent } from '../model.js';
import { assetJobName } from '../naming.js';
import { deterministicRunId } from '../run-id.js';

export interface Pipeline {
  /** In emit order. */
  events: RunEvent[];
  graphRunId: string;
  assets: { key: string; runId: string; dataset: { namespace: string; name: string } }[];
}

const fields = [
  { name: 'subject_id', type: 'VARCHAR' },
  { name: 'sgv', type: 'INTEGER' },
];

/** A graph run with `assetRuns` asset runs: 2 + 2 · assetRuns events. `seed` makes the run ids distinct. */
export function pipelineEvents(assetRuns: number, options: { seed?: string; home?: string; startedAt?: number } = {}): Pipeline {
  const seed = options.seed ?? 'pipeline';
  const home = options.home ?? '/srv/assay/.assay';
  const startedAt = options.startedAt ?? Date.parse('2024-05-01T03:00:00.000Z');
  const graphJob = { namespace: 'assay', name: 'nightly' };
  const graphRunId = deterministicRunId({ startedAt, parts: ['graph', seed] });
  let clock = startedAt;
  const tick = () => new Date((clock += 1_000));
  const source = webApiDataset('https://alice.example.org/api/v1/entries.json', { fields });

  const graph = (eventType: 'START' | 'COMPLETE') =>
    runEvent({
      eventType,
      eventTime: tick(),
      run: { runId: graphRunId, facets: { processing_engine: processingEngineFacet() } },
      job: { ...graphJob, facets: { jobType: jobTypeFacet('GRAPH') } },
    });

  const assets = Array.from({ length: assetRuns }, (_, i) => {
    const key = `asset_${String(i).padStart(2, '0')}`;
    const runId = deterministicRunId({ startedAt: startedAt + i, parts: [key, seed] });
    const dataset = lakeAssetDataset({ home, layer: 'staging', key });
    return { key, runId, dataset: { namespace: dataset.namespace, name: dataset.name } };
  });

  const asset = (i: number, eventType: 'START' | 'COMPLETE'): RunEvent => {
    const { key, runId } = assets[i]!;
    const complete = eventType === 'COMPLETE';
    const columnLineage = declaredColumnLineage(
      { fields: { subject_id: [{ input: 'api', field: 'subject_id' }], sgv: [{ input: 'api', field: 'sgv' }] } },
      { api: source },
    );
    const output = complete
      ? lakeAssetDataset({
          home,
          layer: 'staging',
          key,
          fields,
          columnLineage,
          facets: {
            dataQualityAssertions: dataQualityAssertionsFacet([
              { assertion: 'expect_column_values_to_not_be_null', column: 'sgv', success: true, severity: 'error' },
            ]),
          },
        })
      : lakeAssetDataset({ home, layer: 'staging', key });
    return runEvent({
      eventType,
      eventTime: tick(),
      run: {
        runId,
        facets: {
          parent: parentFacet({ run: { runId: graphRunId }, job: graphJob }),
          processing_engine: processingEngineFacet(),
        },
      },
      job: { namespace: 'assay', name: assetJobName(graphJob.name, key), facets: { jobType: jobTypeFacet('ASSET') } },
      inputs: [inputDataset(source)],
      outputs: [
        outputDataset(
          output,
          complete ? { outputStatistics: outputStatisticsFacet({ rowCount: 10, size: 1024 }) } : undefined,
        ),
      ],
    });
  };

  // START of asset i, then COMPLETE of asset i - 1: two assets at a time, as a busy worker runs them.
  const events: RunEvent[] = [graph('START')];
  for (let i = 0; i < assetRuns; i++) {
    events.push(asset(i, 'START'));
    if (i > 0) events.push(asset(i - 1, 'COMPLETE'));
  }
  if (assetRuns > 0) events.push(asset(assetRuns - 1, 'COMPLETE'));
  events.push(graph('COMPLETE'));
  return { events, graphRunId, assets };
}
