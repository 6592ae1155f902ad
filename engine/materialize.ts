/**
 * One materialization of an asset — of one of its partitions, or of a range of them in a single run — start to
 * finish, in this process: lock → compute into a DuckDB table → check its suites on that table → write Parquet to
 * `pending/` → publish each file with one rename and a record. The Temporal activity and the in-process test helper
 * both run exactly this.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { AssetConfig, AssetDefinition, AssetLogger } from '../framework/asset.js';
import type { Definitions } from '../framework/definitions.js';
import { ExpectationFailedError } from '../framework/errors.js';
import { upstreamRead } from '../framework/partition-mapping.js';
import { quoteIdent } from '../framework/sql.js';
import { checkAsset, type CheckOutcome } from './check.js';
import { computeTable, type ColumnSchema } from './compute.js';
import { sha256File } from './content-hash.js';
import { withConnection } from './duckdb.js';
import { publishedPath, quarantinePath, stagingPath, stagingRunDir } from './lake.js';
import { acquireAssetLock, type AssetLock } from './lock.js';
import pLimit from 'p-limit';
import { keyRows, writePartitionFiles } from './partition-split.js';
import { publishFile, readLatestRecord, writeParquet, type MaterializationRecord, type WrittenFile } from './publish.js';
import { sqlText } from './sql-text.js';

/** Partition files hashed or published at once by a single run over many partitions. */
const FILES_AT_ONCE = 16;

export interface EngineConfig extends AssetConfig {
  /** Suites and other relative paths resolve against it. */
  readonly projectRoot: string;
}

export interface MaterializeRequest {
  definitions: Definitions;
  config: EngineConfig;
  key: string;
  /** Partition keys: one, or several for a single-run asset; none for an unpartitioned asset. */
  partitions?: readonly string[];
  /** The Assay run id of the graph run (or backfill). */
  runId: string;
  heartbeat?: (details?: unknown) => void;
  log?: AssetLogger;
  signal?: AbortSignal;
}

export interface MaterializeOutcome {
  /** One record per partition written (one for an unpartitioned asset). */
  records: MaterializationRecord[];
  /**
   * Set when another run held this asset partition, and published it from the same inputs while this one waited:
   * its result is this one's, and nothing was computed again.
   */
  reusedFrom?: string;
  /** The full check results (for lineage), when the asset has suites and this run checked them. */
  checks?: CheckOutcome;
  /** For a SQL asset: the SQL that ran, references resolved. */
  sql?: string;
  /** Each upstream asset and the relation that read it (in `sql`). */
  reads: { key: string; relation: string }[];
  schema: ColumnSchema[];
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
  const { definitions, config, key, runId } = request;
  const keys = request.partitions ?? [];
  const asset = definitions.graph.get(key);
  const partition = keys[0];
  const what = `asset '${key}'${keys.length === 0 ? '' : ` partition${keys.length > 1 ? 's' : ''} ${keys.length === 1 ? keys[0] : `${keys[0]} … ${keys[keys.length - 1]}`}`}`;
  const started = performance.now();
  let lock: AssetLock | undefined;
  try {
    lock = await acquireAssetLock(config.home, key, keys.length === 0 ? [undefined] : keys, {
      onWait: () => request.heartbeat?.({ waitingFor: 'lock' }),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const waitMs = performance.now() - started;
    const inputs = await inputsOf(config.home, asset, definitions, keys);
    if (keys.length <= 1 && lock.waited) {
      const latest = await readLatestRecord(config.home, key, partition);
      if (latest && latest.inputHash === inputs.of(partition).inputHash && Date.parse(latest.materializedAt) >= lock.requestedAt) {
        return {
          records: [latest],
          reusedFrom: latest.runId,
          reads: [],
          schema: latest.schema,
          timings: { waitMs, computeMs: 0, checkMs: 0, writeMs: 0, publishMs: 0 },
        };
      }
    }
    return await withConnection(async (connection) => {
      const t0 = performance.now();
      const computed = await computeTable(connection, {
        definitions,
        config,
        key,
        partitions: keys,
        runId,
        ...(request.heartbeat ? { heartbeat: request.heartbeat } : {}),
        ...(request.log ? { log: request.log } : {}),
      });
      const t1 = performance.now();
      const where = { home: config.home, projectRoot: config.projectRoot, runId, ...(partition === undefined ? {} : { partition }) };
      const table = quoteIdent(computed.table);
      // One connection runs one query at a time.
      const checks = await checkAsset(connection, table, asset, where);
      const split = keys.length > 1 ? await keyRows(connection, computed.table, asset, keys) : undefined;
      const t2 = performance.now();
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
      const staged = new Map<string | undefined, WrittenFile>();
      if (split) {
        await writePartitionFiles(connection, split, stagingRunDir(config.home, runId), (k) => stagingPath(config.home, runId, asset, k));
        const limit = pLimit(FILES_AT_ONCE);
        const files = await Promise.all(
          [...split.rows].map(([k, rows]) =>
            limit(async () => {
              const path = stagingPath(config.home, runId, asset, k);
              const [contentHash, { size }] = await Promise.all([sha256File(path), stat(path)]);
              return [k, { path, rows, bytes: size, contentHash }] as const;
            }),
          ),
        );
        for (const [k, file] of files) staged.set(k, file);
      } else {
        staged.set(partition, await writeParquet(connection, computed.table, stagingPath(config.home, runId, asset, partition), what));
      }
      const t3 = performance.now();
      const materializedAt = new Date().toISOString();
      const limit = pLimit(FILES_AT_ONCE);
      const published = [...staged].map(([k, file]) =>
        limit(() => {
          const target = publishedPath(config.home, asset, k);
          return publishFile(config.home, file, target, {
            runId,
            asset: key,
            partition: k ?? null,
            layer: asset.layer,
            path: target,
            rows: file.rows,
            bytes: file.bytes,
            schema: computed.schema,
            durationMs: Math.round(t3 - t0),
            computeMs: Math.round(t1 - t0),
            codeVersion: asset.codeVersion ?? null,
            contentHash: file.contentHash,
            ...inputs.of(k),
            materializedAt,
            checks: checks
              ? { success: checks.summary.success, evaluated: checks.summary.evaluated, failed: 0, warnings: checks.summary.warnings }
              : null,
          });
        }),
      );
      // Each partition is published on its own (one rename each); the records come back in key order.
      const records = await Promise.all(published);
      const t4 = performance.now();
      return {
        records,
        ...(checks ? { checks } : {}),
        ...(computed.sql === undefined ? {} : { sql: computed.sql }),
        reads: computed.reads,
        schema: computed.schema,
        timings: { waitMs, computeMs: t1 - t0, checkMs: t2 - t1, writeMs: t3 - t2, publishMs: t4 - t3 },
      };
    });
  } finally {
    await lock?.release();
  }
}

/**
 * The upstream versions each partition of `keys` reads now (the latest record of every upstream file it maps to), and
 * per partition one hash over them and the asset's code: what a record says it was made from.
 */
async function inputsOf(
  home: string,
  asset: AssetDefinition,
  definitions: Definitions,
  keys: readonly string[],
): Promise<{ of(key: string | undefined): Pick<MaterializationRecord, 'inputHash' | 'upstream'> }> {
  const readsOf = (own: readonly string[]) =>
    asset.deps.flatMap((dep) => {
      const read = upstreamRead(asset, dep, own);
      // An upstream read whole (every partition of it) is summed up by its folder, not listed one by one.
      return read.kind === 'partitions' ? read.keys.map((k) => ({ dep: dep.key, partition: k as string | undefined })) : [{ dep: dep.key, partition: undefined }];
    });
  const hashes = new Map<string, string | null>();
  const id = (dep: string, partition: string | undefined) => `${dep}\u0000${partition ?? ''}`;
  const limit = pLimit(FILES_AT_ONCE);
  await Promise.all(
    readsOf(keys).map(({ dep, partition }) =>
      limit(async () => hashes.set(id(dep, partition), (await readLatestRecord(home, dep, partition))?.contentHash ?? null)),
    ),
  );
  const code = asset.compute.kind === 'sql' ? sqlText(asset.compute) : (asset.compute.file ?? '');
  return {
    of(key) {
      const own = key === undefined ? [] : [key];
      const upstream = readsOf(own).map(({ dep, partition }) => ({
        asset: dep,
        partition: partition ?? null,
        contentHash: hashes.get(id(dep, partition)) ?? null,
      }));
      const inputHash = createHash('sha256')
        .update(JSON.stringify({ project: definitions.name, key: asset.key, partition: key ?? null, codeVersion: asset.codeVersion ?? null, code, upstream }))
        .digest('hex');
      return { inputHash, upstream };
    },
  };
}
