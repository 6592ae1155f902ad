/** Types and definitions that both workflow code and clients (CLI, tests) use. */
import { defineQuery } from '@temporalio/workflow';

/** Input of the graph-run workflow; what the Web UI's Start Workflow form takes as JSON. */
export interface GraphRunInput {
  /** Asset selection, e.g. `*`, `dim_glucose_date+`, `group:nightscout and not tag:slow`. Default `*`. */
  selection?: string;
  partition?: string;
  /** How many asset workflows run at once (default from the worker's `ASSAY_MAX_PARALLEL`). */
  maxParallel?: number;
}

export type AssetStatus = 'pending' | 'running' | 'materialized' | 'failed' | 'skipped';

export interface AssetRunResult {
  key: string;
  partition: string | null;
  status: AssetStatus;
  rows: number | null;
  bytes: number | null;
  /** Wall time of the asset's workflow. */
  durationMs: number | null;
  /** Time DuckDB (or the compute function) spent producing the data. */
  computeMs: number | null;
  path: string | null;
  error: string | null;
  workflowId: string | null;
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
