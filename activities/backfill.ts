import { join } from 'node:path';
import type { Definitions } from '../framework/definitions.js';
import { backfillChunks, planRun, type RunPlan } from '../framework/plan.js';
import { writeFileAtomic } from '../engine/lake.js';
import { graphRunEvent, type GraphRunRef, type LineageContext } from '../lineage/assay-events.js';
import type { LineageReporter } from '../lineage/reporter.js';
import { asActivity } from './failure.js';
import { startRunRecord } from './graph-run.js';

export interface BackfillPlanInput {
  selection: string;
  from: string;
  to: string;
  graph: GraphRunRef;
  /** False after a continue-as-new: the run's START was reported already. */
  first: boolean;
}

export interface PlannedBackfill {
  chunks: { from: string; to: string; keys: number }[];
  /** Whether the selection also has unpartitioned assets (materialized once, after every partition). */
  unpartitioned: boolean;
  searchAttributes: boolean;
}

export interface BackfillChunkInput {
  selection: string;
  range?: { from: string; to: string };
  only: 'partitioned' | 'unpartitioned';
}

/** One partition's line in a backfill's report. */
export interface PartitionReport {
  partition: string;
  status: 'materialized' | 'failed' | 'skipped';
  /** Assets materialized for the partition, of those selected. */
  materialized: number;
  rows: number | null;
  errors: string[];
}

export interface BackfillReport {
  workflowId: string;
  runId: string;
  selection: string;
  from: string;
  to: string;
  status: 'success' | 'failed';
  partitions: PartitionReport[];
  /** The unpartitioned assets materialized after the partitions. */
  unpartitioned: { key: string; status: string; error: string | null }[];
  startedAt: string;
  finishedAt: string;
}

/** Where a backfill's report is kept: `metadata/backfills/<workflow id>.json`. */
export function backfillReportPath(home: string, workflowId: string): string {
  return join(home, 'metadata', 'backfills', `${encodeURIComponent(workflowId)}.json`);
}

export function createBackfillActivities(
  definitions: Definitions,
  options: { home: string; searchAttributes: boolean },
  lineage: LineageReporter,
  lineageContext: LineageContext,
) {
  return {
    /** Checks the range against every selected asset and splits it into chunks; reports the backfill's start. */
    async planBackfill(input: BackfillPlanInput): Promise<PlannedBackfill> {
      const plan = await asActivity(async () => {
        const chunks = backfillChunks(definitions, { selection: input.selection, range: { from: input.from, to: input.to } });
        const unpartitioned = planRun(definitions, { selection: input.selection, only: 'unpartitioned' }).steps.length > 0;
        return { chunks, unpartitioned, searchAttributes: options.searchAttributes };
      });
      if (input.first) {
        await lineage.report(graphRunEvent(lineageContext, { eventType: 'START', graph: input.graph }));
        await startRunRecord(options.home, { graph: input.graph, kind: 'backfill', selection: input.selection, partition: `${input.from}..${input.to}` });
      }
      return plan;
    },

    /** The steps of one chunk of a backfill (or of its unpartitioned assets). */
    async planBackfillChunk(input: BackfillChunkInput): Promise<RunPlan> {
      return asActivity(async () =>
        planRun(definitions, { selection: input.selection, ...(input.range ? { range: input.range } : {}), only: input.only }),
      );
    },

    /** Writes the backfill's report to `metadata/backfills/<workflow id>.json`; returns where. */
    async recordBackfill(report: BackfillReport): Promise<string> {
      const path = backfillReportPath(options.home, report.workflowId);
      await writeFileAtomic(path, JSON.stringify(report, null, 2) + '\n');
      return path;
    },
  };
}
