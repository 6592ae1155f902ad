import { hostname } from 'node:os';
import { Context } from '@temporalio/activity';
import type { AssetLogger } from '../framework/asset.js';
import type { AssetDefinition } from '../framework/asset.js';
import type { Definitions } from '../framework/definitions.js';
import { partitionLabel } from '../framework/plan.js';
import { partitionScope } from '../engine/compute.js';
import { materialize, RejectedByChecksError, type EngineConfig } from '../engine/materialize.js';
import { writeStepRecord, type StepRecord } from '../engine/run-records.js';
import { assetDatasetName, assetRunEvent, sourceDatasets, type GraphRunRef, type LineageContext } from '../lineage/assay-events.js';
import { ColumnLineageError, columnLineageFromSql, type ColumnLineageDatasetFacet, type Dataset } from '../lineage/index.js';
import { withConnection } from '../engine/duckdb.js';
import { declaredSql } from '../engine/sql-text.js';
import type { LineageReporter } from '../lineage/reporter.js';
import { asActivity } from './failure.js';

export interface StepInput {
  /** The Assay run id (the graph run's Temporal run id). */
  runId: string;
  graph: GraphRunRef;
  key: string;
  /** One partition key, or a range of keys of a single-run asset; absent for an unpartitioned asset. */
  partitions?: string[];
  /** When the workflow scheduled the step (epoch ms, the same on every attempt): the asset run's lineage id. */
  scheduledAt: number;
  /** The retry policy's attempts: the last one reports a failure to lineage. */
  maximumAttempts: number;
}

/** What a step hands back to the workflow: small facts and handles, never the data or the check documents. */
export interface StepResult {
  key: string;
  /** The partition, or the range `first..last` of a single-run step. */
  partition: string | null;
  /** Rows and bytes published, over every partition of the step. */
  rows: number;
  bytes: number;
  /** The published file (of the first partition, for a range). */
  path: string;
  /** Partitions published. */
  partitions: number;
  /** Rows per partition, for a step over several partitions (a single run). */
  partitionRows?: Record<string, number>;
  /** Milliseconds in this activity, from its start to the published file: what is not orchestration. */
  workMs: number;
  computeMs: number;
  /** Warn-level expectations that failed (the data was published). */
  warnings: number;
  /** The run whose result this one reused after waiting for it (same inputs); nothing was computed. */
  reusedFrom: string | null;
}

const HEARTBEAT_EVERY_MS = 2_000;
/** The worker process an attempt ran in, for the run history. */
const WORKER = `${hostname()}:${process.pid}`;

export function createMaterializeStep(
  definitions: Definitions,
  config: EngineConfig,
  lineage: LineageReporter,
  lineageContext: LineageContext,
) {
  /**
   * Column lineage of the SQL that ran, from DuckDB's own parse of it; undefined when it cannot be traced with
   * certainty (lineage then says nothing rather than something wrong).
   */
  // The facet depends on the asset's SQL as written, the columns in and out, and the datasets' names — not on which
  // partition files a run read — so it is traced once per version of those and reused by the asset's other runs.
  const traced = new Map<string, Promise<ColumnLineageDatasetFacet | undefined>>();
  const columnLineageOf = (
    key: string,
    sql: string,
    reads: readonly { key: string; relation: string }[],
    schema: readonly { name: string; type: string }[],
  ): Promise<ColumnLineageDatasetFacet | undefined> => {
    const asset = definitions.graph.get(key);
    const cacheKey = JSON.stringify([key, declaredSql(asset), schema, reads.map((r) => r.key)]);
    let facet = traced.get(cacheKey);
    if (!facet) {
      const inputs = reads.map((read) => ({
        relation: read.relation,
        dataset: assetDatasetName(lineageContext, definitions.graph.get(read.key)),
      }));
      facet = withConnection((connection) => columnLineageFromSql(connection, sql, inputs, schema.map((c) => c.name))).catch(
        (err: unknown) => {
          // Lineage never fails a materialization that published; an untraceable query just has no facet.
          if (!(err instanceof ColumnLineageError)) Context.current().log.warn('column lineage failed', { error: String(err) });
          return undefined;
        },
      );
      traced.set(cacheKey, facet);
    }
    return facet;
  };

  return {
    /**
     * Materializes one asset (partition): compute, check, publish, in this activity, so a step costs one hop
     * through the server. Heartbeats every 2 s, so a worker that dies is noticed within the heartbeat time-out.
     */
    async materializeStep(input: StepInput): Promise<StepResult> {
      const context = Context.current();
      const started = performance.now();
      const keys = input.partitions ?? [];
      const label = partitionLabel(keys);
      const asset = definitions.graph.get(input.key);
      const scope = partitionScope(asset, keys);
      const sources = await sourcesOf(asset, config, (err) =>
        context.log.warn('the asset’s sources could not be listed for lineage', { asset: input.key, error: String(err) }),
      );
      const event = {
        graph: input.graph,
        key: input.key,
        startedAt: input.scheduledAt,
        ...(label === null ? {} : { partition: label }),
        ...(scope?.window ? { window: { start: scope.window.start.getTime(), end: scope.window.end.getTime() } } : {}),
        ...(sources.length ? { sources } : {}),
      };
      // START is not waited for: the emitter appends in call order, so the COMPLETE or FAIL this step waits for
      // is on disk only after it.
      if (context.info.attempt === 1) void lineage.report(assetRunEvent(lineageContext, { ...event, eventType: 'START' }));
      const record: StepRecord = {
        runId: input.runId,
        workflowId: input.graph.workflowId,
        step: context.info.activityId,
        asset: input.key,
        partition: label,
        status: 'running',
        attempt: context.info.attempt,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        durationMs: null,
        rows: null,
        error: null,
        worker: WORKER,
      };
      await writeStepRecord(config.home, record);
      const finish = async (status: StepRecord['status'], facts: { rows?: number; error?: string }) => {
        const durationMs = Math.round(performance.now() - started);
        await writeStepRecord(config.home, {
          ...record,
          status,
          finishedAt: new Date().toISOString(),
          durationMs,
          rows: facts.rows ?? null,
          error: facts.error ?? null,
        });
        context.log.info(`asset ${status}`, {
          runId: input.runId,
          asset: input.key,
          partition: label,
          step: 'materialize',
          status,
          attempt: context.info.attempt,
          duration_ms: durationMs,
          ...(facts.rows === undefined ? {} : { rows: facts.rows }),
          ...(facts.error === undefined ? {} : { error: facts.error }),
        });
      };
      const beat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        const outcome = await materialize({
          definitions,
          config,
          key: input.key,
          runId: input.runId,
          partitions: keys,
          heartbeat: (details) => context.heartbeat(details),
          log: activityLogger(context),
          signal: context.cancellationSignal,
        });
        const { records } = outcome;
        const rows = records.reduce((n, r) => n + r.rows, 0);
        const bytes = records.reduce((n, r) => n + r.bytes, 0);
        await finish('materialized', { rows });
        const columnLineage = outcome.sql ? await columnLineageOf(input.key, outcome.sql, outcome.reads, outcome.schema) : undefined;
        await lineage.report(
          assetRunEvent(lineageContext, {
            ...event,
            eventType: 'COMPLETE',
            ...(outcome.reusedFrom ? {} : { output: { schema: outcome.schema, rows, bytes } }),
            ...(outcome.checks ? { checks: outcome.checks.result } : {}),
            ...(outcome.sql ? { sql: outcome.sql } : {}),
            ...(columnLineage ? { columnLineage } : {}),
          }),
        );
        return {
          key: input.key,
          partition: label,
          rows,
          bytes,
          path: records[0]!.path,
          partitions: records.filter((r) => r.partition !== null).length,
          ...(records.length > 1 ? { partitionRows: Object.fromEntries(records.map((r) => [r.partition ?? '', r.rows])) } : {}),
          workMs: Math.round(performance.now() - started),
          computeMs: records[0]!.computeMs,
          warnings: outcome.checks?.summary.warnings ?? 0,
          reusedFrom: outcome.reusedFrom ?? null,
        };
      } catch (err) {
        const final = context.info.attempt >= input.maximumAttempts || !isRetryable(err);
        const message = (err as Error).message;
        // A failure that will be retried leaves the step running, with why its attempt failed.
        await finish(final ? 'failed' : 'running', { error: final ? message : `attempt ${context.info.attempt} failed, retrying: ${message}` });
        if (final && !context.cancellationSignal.aborted) {
          await lineage.report(
            assetRunEvent(lineageContext, {
              ...event,
              eventType: 'FAIL',
              error: (err as Error).message,
              ...(err instanceof RejectedByChecksError
                ? { output: { schema: err.schema, rows: 0, bytes: 0 }, checks: err.checks.result }
                : {}),
            }),
          );
        }
        return asActivity(() => Promise.reject(err));
      } finally {
        clearInterval(beat);
      }
    },
  };
}

/** The asset's declared sources as datasets; a source that cannot be listed is left out (and reported), never fatal. */
async function sourcesOf(asset: AssetDefinition, config: EngineConfig, report: (err: unknown) => void): Promise<Dataset[]> {
  if (!asset.sources) return [];
  try {
    return sourceDatasets(await asset.sources(config));
  } catch (err) {
    report(err);
    return [];
  }
}


function isRetryable(err: unknown): boolean {
  return !(err instanceof Error && 'retryable' in err && (err as { retryable: boolean }).retryable === false);
}

function activityLogger(context: Context): AssetLogger {
  return { info: (m, a) => context.log.info(m, a), warn: (m, a) => context.log.warn(m, a) };
}
