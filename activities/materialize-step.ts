import { Context } from '@temporalio/activity';
import type { AssetLogger } from '../framework/asset.js';
import type { Definitions } from '../framework/definitions.js';
import { materialize, RejectedByChecksError, type EngineConfig } from '../engine/materialize.js';
import { assetRunEvent, type GraphRunRef, type LineageContext } from '../lineage/assay-events.js';
import type { LineageReporter } from '../lineage/reporter.js';
import { asActivity } from './failure.js';

export interface StepInput {
  /** The Assay run id (the graph run's Temporal run id). */
  runId: string;
  graph: GraphRunRef;
  key: string;
  partition?: string;
  /** When the workflow scheduled the step (epoch ms, the same on every attempt): the asset run's lineage id. */
  scheduledAt: number;
  /** The retry policy's attempts: the last one reports a failure to lineage. */
  maximumAttempts: number;
}

/** What a step hands back to the workflow: small facts and handles, never the data or the check documents. */
export interface StepResult {
  key: string;
  partition: string | null;
  rows: number;
  bytes: number;
  path: string;
  contentHash: string;
  /** Milliseconds in this activity, from its start to the published file: what is not orchestration. */
  workMs: number;
  computeMs: number;
  /** Warn-level expectations that failed (the data was published). */
  warnings: number;
  /** The run whose result this one reused after waiting for it (same inputs); nothing was computed. */
  reusedFrom: string | null;
}

const HEARTBEAT_EVERY_MS = 2_000;

export function createMaterializeStep(
  definitions: Definitions,
  config: EngineConfig,
  lineage: LineageReporter,
  lineageContext: LineageContext,
) {
  return {
    /**
     * Materializes one asset (partition): compute, check, publish, in this activity, so a step costs one hop
     * through the server. Heartbeats every 2 s, so a worker that dies is noticed within the heartbeat time-out.
     */
    async materializeStep(input: StepInput): Promise<StepResult> {
      const context = Context.current();
      const started = performance.now();
      const partition = input.partition === undefined ? {} : { partition: input.partition };
      const event = { graph: input.graph, key: input.key, startedAt: input.scheduledAt, ...partition };
      if (context.info.attempt === 1) lineage.report(assetRunEvent(lineageContext, { ...event, eventType: 'START' }));
      const beat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        const outcome = await materialize({
          definitions,
          config,
          key: input.key,
          runId: input.runId,
          ...partition,
          heartbeat: (details) => context.heartbeat(details),
          log: activityLogger(context),
          signal: context.cancellationSignal,
        });
        const { record } = outcome;
        if (!outcome.reusedFrom) {
          lineage.report(
            assetRunEvent(lineageContext, {
              ...event,
              eventType: 'COMPLETE',
              output: { schema: record.schema, rows: record.rows, bytes: record.bytes },
              ...(outcome.checks ? { checks: outcome.checks.result } : {}),
            }),
          );
        } else {
          lineage.report(assetRunEvent(lineageContext, { ...event, eventType: 'COMPLETE' }));
        }
        return {
          key: input.key,
          partition: input.partition ?? null,
          rows: record.rows,
          bytes: record.bytes,
          path: record.path,
          contentHash: record.contentHash,
          workMs: Math.round(performance.now() - started),
          computeMs: record.computeMs,
          warnings: outcome.checks?.summary.warnings ?? 0,
          reusedFrom: outcome.reusedFrom ?? null,
        };
      } catch (err) {
        const final = context.info.attempt >= input.maximumAttempts || !isRetryable(err);
        if (final && !context.cancellationSignal.aborted) {
          lineage.report(
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

function isRetryable(err: unknown): boolean {
  return !(err instanceof Error && 'retryable' in err && (err as { retryable: boolean }).retryable === false);
}

function activityLogger(context: Context): AssetLogger {
  return { info: (m, a) => context.log.info(m, a), warn: (m, a) => context.log.warn(m, a) };
}
