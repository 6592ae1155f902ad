/**
 * One materialization of an asset (or of one of its partitions), start to finish, in this process:
 * lock → compute into a DuckDB table → check its suites on that table → write Parquet to `pending/` → publish with
 * one rename and a record. The Temporal activity and the in-process test helper both run exactly this.
 */
import { createHash } from 'node:crypto';
import type { AssetConfig, AssetDefinition, AssetLogger } from '../framework/asset.js';
import type { Definitions } from '../framework/definitions.js';
import { ExpectationFailedError } from '../framework/errors.js';
import { quoteIdent } from '../framework/sql.js';
import { checkAsset, type CheckOutcome } from './check.js';
import { computeTable, type ColumnSchema } from './compute.js';
import { withConnection } from './duckdb.js';
import { publishedPath, quarantinePath, stagingPath } from './lake.js';
import { acquireAssetLock } from './lock.js';
import { publishFile, readLatestRecord, writeParquet, type MaterializationRecord } from './publish.js';
import { sqlText } from './sql-text.js';

export interface EngineConfig extends AssetConfig {
  /** Suites and other relative paths resolve against it. */
  readonly projectRoot: string;
}

export interface MaterializeRequest {
  definitions: Definitions;
  config: EngineConfig;
  key: string;
  partition?: string;
  /** The Assay run id of the graph run. */
  runId: string;
  heartbeat?: (details?: unknown) => void;
  log?: AssetLogger;
  signal?: AbortSignal;
}

export interface MaterializeOutcome {
  record: MaterializationRecord;
  /**
   * Set when another run held this asset partition, and published it from the same inputs while this one waited:
   * its result is this one's, and nothing was computed again.
   */
  reusedFrom?: string;
  /** The full check results (for lineage), when the asset has suites and this run checked them. */
  checks?: CheckOutcome;
  /** For a SQL asset: the SQL that ran, references resolved. */
  sql?: string;
  timings: { waitMs: number; computeMs: number; checkMs: number; writeMs: number; publishMs: number };
}

/** Thrown when an error-level expectation fails: the rows went to quarantine, the published version stays. */
export class RejectedByChecksError extends ExpectationFailedError {
  constructor(
    message: string,
    readonly checks: CheckOutcome,
    readonly schema: ColumnSchema[],
    readonly quarantinedAt: string,
  ) {
    super(message);
  }
}

export async function materialize(request: MaterializeRequest): Promise<MaterializeOutcome> {
  const { definitions, config, key, partition, runId } = request;
  const asset = definitions.graph.get(key);
  const started = performance.now();
  const lock = await acquireAssetLock(config.home, key, partition, {
    onWait: () => request.heartbeat?.({ waitingFor: 'lock' }),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  try {
    const waitMs = performance.now() - started;
    const inputs = await inputsOf(config.home, asset, definitions);
    if (lock.waited) {
      const latest = await readLatestRecord(config.home, key, partition);
      if (latest && latest.inputHash === inputs.inputHash && Date.parse(latest.materializedAt) >= lock.requestedAt) {
        return { record: latest, reusedFrom: latest.runId, timings: { waitMs, computeMs: 0, checkMs: 0, writeMs: 0, publishMs: 0 } };
      }
    }
    return await withConnection(async (connection) => {
      const t0 = performance.now();
      const computed = await computeTable(connection, {
        definitions,
        config,
        key,
        ...(partition === undefined ? {} : { partition }),
        runId,
        ...(request.heartbeat ? { heartbeat: request.heartbeat } : {}),
        ...(request.log ? { log: request.log } : {}),
      });
      const t1 = performance.now();
      const where = { home: config.home, projectRoot: config.projectRoot, runId, ...(partition === undefined ? {} : { partition }) };
      const checks = await checkAsset(connection, quoteIdent(computed.table), asset, where);
      const t2 = performance.now();
      const what = `asset '${key}'${partition === undefined ? '' : ` partition '${partition}'`}`;
      if (checks && checks.summary.failed > 0) {
        const quarantined = quarantinePath(config.home, runId, asset, partition);
        await writeParquet(connection, computed.table, quarantined, what);
        throw new RejectedByChecksError(
          `${what} failed ${checks.summary.failed} error-level expectation(s); the published version is unchanged ` +
            `and the rejected data is in ${quarantined}\n${checks.summary.summary}`,
          checks,
          computed.schema,
          quarantined,
        );
      }
      const staged = await writeParquet(connection, computed.table, stagingPath(config.home, runId, asset, partition), what);
      const t3 = performance.now();
      const record = await publishFile(config.home, staged, publishedPath(config.home, asset, partition), {
        runId,
        asset: key,
        partition: partition ?? null,
        layer: asset.layer,
        path: publishedPath(config.home, asset, partition),
        rows: staged.rows,
        bytes: staged.bytes,
        schema: computed.schema,
        durationMs: Math.round(t3 - t0),
        computeMs: Math.round(t1 - t0),
        codeVersion: asset.codeVersion ?? null,
        contentHash: staged.contentHash,
        inputHash: inputs.inputHash,
        upstream: inputs.upstream,
        materializedAt: new Date().toISOString(),
        checks: checks
          ? { success: checks.summary.success, evaluated: checks.summary.evaluated, failed: 0, warnings: checks.summary.warnings }
          : null,
      });
      const t4 = performance.now();
      return {
        record,
        ...(checks ? { checks } : {}),
        ...(computed.sql === undefined ? {} : { sql: computed.sql }),
        timings: { waitMs, computeMs: t1 - t0, checkMs: t2 - t1, writeMs: t3 - t2, publishMs: t4 - t3 },
      };
    });
  } finally {
    await lock.release();
  }
}

/** The upstream versions an asset reads now, and one hash over them and the asset's code. */
async function inputsOf(
  home: string,
  asset: AssetDefinition,
  definitions: Definitions,
): Promise<Pick<MaterializationRecord, 'inputHash' | 'upstream'>> {
  const upstream = await Promise.all(
    asset.deps.map(async (dep) => {
      const latest = await readLatestRecord(home, dep.key);
      return { asset: dep.key, partition: null, contentHash: latest?.contentHash ?? null };
    }),
  );
  const code = asset.compute.kind === 'sql' ? sqlText(asset.compute) : (asset.compute.file ?? '');
  const inputHash = createHash('sha256')
    .update(JSON.stringify({ project: definitions.name, key: asset.key, codeVersion: asset.codeVersion ?? null, code, upstream }))
    .digest('hex');
  return { inputHash, upstream };
}
