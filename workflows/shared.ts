/** Types and definitions that both workflow code and clients (CLI, tests) use. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';
import type { PartitionReport } from '../activities/backfill.js';

/** Input of the graph-run workflow; what the Web UI's Start Workflow form takes as JSON. */
export interface GraphRunInput {
  /** Asset selection, e.g. `*`, `dim_glucose_date+`, `group:nightscout and not tag:slow`. Default `*`. */
  selection?: string;
  /**
   * The partition of every partitioned asset selected. Default: for a run a Temporal Schedule started, the partition
   * its nominal time decides; otherwise each time-partitioned asset's latest complete partition.
   */
  partition?: string;
  /** Every partition from `from` to `to` (included), in one run (a small backfill; `assay backfill` for large ones). */
  range?: { from: string; to: string };
  /** How many assets materialize at once (default from the worker's `ASSAY_MAX_PARALLEL`). */
  maxParallel?: number;
}

export type AssetStatus = 'pending' | 'running' | 'materialized' | 'failed' | 'skipped';

export interface AssetRunResult {
  key: string;
  /** The partition, or the range `first..last` of a single-run step. */
  partition: string | null;
  /** Partitions published by the step (0 for an unpartitioned asset). */
  partitions: number | null;
  status: AssetStatus;
  rows: number | null;
  bytes: number | null;
  /** Wall time of the step as the workflow saw it: scheduled → result handled. */
  durationMs: number | null;
  /** Time DuckDB (or the compute function) spent producing the data. */
  computeMs: number | null;
  /** Time the step's activity spent working (compute, checks, write, publish); the rest is orchestration. */
  workMs: number | null;
  path: string | null;
  error: string | null;
  /** The step's activity id in the run's history: `key`, or `key[partition]`. */
  activityId: string;
  /** Another run that materialized the same inputs while this one waited: its result was reused. */
  reusedFrom: string | null;
  /** Rows per partition of a step over several partitions (a single run). */
  partitionRows?: Record<string, number>;
}

export interface GraphRunResult {
  runId: string;
  workflowId: string;
  selection: string;
  partition: string | null;
  status: 'running' | 'success' | 'failed';
  assets: AssetRunResult[];
}

/** Failure type of a graph run in which an asset failed; its details hold the `GraphRunResult`. */
export const GRAPH_RUN_FAILED = 'GraphRunFailed';
export const progressQuery = defineQuery<GraphRunResult>('progress');

/**
 * Search attributes a graph run sets, so the Web UI can list every run that materialized an asset
 * (`AssayAssets = 'dim_glucose_date'`) or a partition (`AssayPartitions = '2026-11-30'`). `npm start` registers them
 * on the dev server; a production namespace needs `temporal operator search-attribute create` (see README).
 */
export const ASSAY_ASSETS = defineSearchAttributeKey('AssayAssets', SearchAttributeType.KEYWORD_LIST);
export const ASSAY_PARTITIONS = defineSearchAttributeKey('AssayPartitions', SearchAttributeType.KEYWORD_LIST);
export const SEARCH_ATTRIBUTES = { AssayAssets: 'KeywordList', AssayPartitions: 'KeywordList' } as const;
/** Set by a Temporal Schedule on the runs it starts: their nominal time. */
export const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** Input of the backfill workflow (`assay backfill`, or Start Workflow in the Web UI). */
export interface BackfillInput {
  selection?: string;
  /** First and last partition keys, both included. */
  from: string;
  to: string;
  /** Assets materializing at once (default 4). */
  concurrency?: number;
  /** Carried across continue-as-new; not for callers. */
  state?: BackfillState;
}

export interface BackfillState {
  nextChunk: number;
  partitions: PartitionReport[];
  startedAt: number;
  /** The Temporal run id of the backfill's first run: its Assay run id, across continue-as-new. */
  firstRunId: string;
}

export interface BackfillProgress {
  workflowId: string;
  selection: string;
  from: string;
  to: string;
  chunks: number;
  /** The chunk running (0-based). */
  chunk: number;
  /** Partitions in all, done (every asset materialized), and failed or skipped. */
  partitions: number;
  done: number;
  failed: number;
  status: 'running' | 'success' | 'failed';
  /** The steps of the chunk running. */
  running: AssetRunResult[];
}

export const backfillProgressQuery = defineQuery<BackfillProgress>('backfillProgress');
