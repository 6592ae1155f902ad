import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AssetContext, AssetDefinition, AssetLogger, SqlCompute } from './asset.js';
import { arrowToDuckDB, duckDBToArrow } from './arrow-duckdb.js';
import { sha256File } from './content-hash.js';
import type { Definitions } from './definitions.js';
import { quoteIdent, quoteLiteral, readParquet, withConnection } from './duckdb.js';
import { AssayError, AssetDefinitionError, SqlError, UpstreamMissingError } from './errors.js';
import { publishedPath, stagingPath, temporarySibling } from './lake.js';
import { resolveRefs } from './sql-refs.js';

export interface ColumnSchema {
  name: string;
  type: string;
}

/** A computed asset waiting in staging for its checks and its publication. */
export interface StagedAsset {
  key: string;
  partition?: string;
  runId: string;
  stagingPath: string;
  rows: number;
  bytes: number;
  schema: ColumnSchema[];
  /** Milliseconds spent computing and writing the Parquet file. */
  computeMs: number;
  /** SHA-256 of the Parquet file. */
  contentHash: string;
}

export interface ComputeRequest {
  definitions: Definitions;
  home: string;
  key: string;
  partition?: string;
  runId: string;
  heartbeat?: (details?: unknown) => void;
  log?: AssetLogger;
}

const OUTPUT_TABLE = 'assay_output';
const silentLog: AssetLogger = { info: () => {}, warn: () => {} };

/** Computes an asset with DuckDB into a Parquet file in staging (written to a temporary path, then renamed). */
export async function computeToStaging(request: ComputeRequest): Promise<StagedAsset> {
  const { definitions, home, key, partition, runId } = request;
  const asset = definitions.graph.get(key);
  const target = stagingPath(home, runId, asset, partition);
  const tmp = temporarySibling(target);
  await mkdir(dirname(target), { recursive: true });
  const started = performance.now();
  try {
    const rows = await withConnection(async (connection) => {
      const source = await outputQuery(connection, asset, request);
      return copyToParquet(connection, source, tmp, asset);
    });
    await rename(tmp, target);
    const computeMs = performance.now() - started;
    const schema = await parquetSchema(target);
    const { size } = await stat(target);
    return {
      key,
      ...(partition === undefined ? {} : { partition }),
      runId,
      stagingPath: target,
      rows,
      bytes: size,
      schema,
      computeMs,
      contentHash: await sha256File(target),
    };
  } finally {
    await rm(tmp, { force: true });
  }
}

/** The SQL whose result is the asset's data. */
async function outputQuery(
  connection: DuckDBConnection,
  asset: AssetDefinition,
  request: ComputeRequest,
): Promise<string> {
  const resolveUpstream = (dep: AssetDefinition | string) => upstreamReader(request, asset, dep);
  if (asset.compute.kind === 'sql') {
    return resolveRefs(stripTerminator(asset.compute), (key) => resolveUpstream(key));
  }
  const context: AssetContext = {
    key: asset.key,
    partition: request.partition,
    runId: request.runId,
    connection,
    ref: resolveUpstream,
    input: (dep) => duckDBToArrow(connection, `SELECT * FROM ${resolveUpstream(dep)}`),
    outputTable: OUTPUT_TABLE,
    heartbeat: request.heartbeat ?? (() => {}),
    log: request.log ?? silentLog,
  };
  const { run } = asset.compute;
  const table = await runUserCompute(asset, () => run(context));
  if (table) {
    await arrowToDuckDB(connection, table, OUTPUT_TABLE, `asset '${asset.key}'`);
  } else {
    const found = await connection.runAndReadAll(
      `SELECT count(*) FROM duckdb_tables() WHERE table_name = $1 UNION ALL
       SELECT count(*) FROM duckdb_views() WHERE view_name = $1`,
      [OUTPUT_TABLE],
    );
    const exists = found.getRows().some(([n]) => Number(n) > 0);
    if (!exists) {
      throw new AssetDefinitionError(
        `asset '${asset.key}': its compute function returned nothing and did not create '${OUTPUT_TABLE}'; ` +
          `return an Arrow Table or create ctx.outputTable (CREATE TEMP TABLE ${OUTPUT_TABLE} AS …)`,
      );
    }
  }
  return `SELECT * FROM ${quoteIdent(OUTPUT_TABLE)}`;
}

const DUCKDB_USER_ERROR = /^(Parser|Binder|Catalog|Conversion|Invalid Input|Constraint|Out of Range|Not implemented) Error/;

/** Runs a compute function so that its errors name the asset; DuckDB's verdicts on the SQL it ran are final. */
async function runUserCompute<T>(asset: AssetDefinition, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AssayError || !(err instanceof Error)) throw err;
    const message = `asset '${asset.key}'${asset.compute.file ? ` (${asset.compute.file})` : ''}: ${err.message}`;
    if (DUCKDB_USER_ERROR.test(err.message)) throw new SqlError(message, { cause: err });
    throw new Error(message, { cause: err });
  }
}

function upstreamReader(request: ComputeRequest, asset: AssetDefinition, dep: AssetDefinition | string): string {
  const depKey = typeof dep === 'string' ? dep : dep.key;
  if (!asset.deps.some((d) => d.key === depKey)) {
    throw new AssetDefinitionError(
      `asset '${asset.key}' reads '${depKey}', which is not among its deps; add it to deps`,
    );
  }
  const upstream = request.definitions.graph.get(depKey);
  const path = publishedPath(request.home, upstream);
  if (!existsSync(path)) {
    throw new UpstreamMissingError(
      `asset '${asset.key}' needs '${depKey}', which has not been materialized yet (no ${path}); ` +
        `materialize it first or select '+${asset.key}'`,
    );
  }
  return readParquet(path);
}

function stripTerminator(compute: SqlCompute): string {
  return compute.sql.trim().replace(/;\s*$/, '');
}

async function copyToParquet(
  connection: DuckDBConnection,
  source: string,
  path: string,
  asset: AssetDefinition,
): Promise<number> {
  try {
    const result = await connection.run(
      `COPY (${source}) TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    return Number(result.rowsChanged);
  } catch (err) {
    if (err instanceof AssayError) throw err;
    const where = asset.compute.kind === 'sql' && asset.compute.file ? ` (${asset.compute.file})` : '';
    throw new SqlError(`asset '${asset.key}'${where}: ${(err as Error).message}`, { cause: err });
  }
}

/** Column names and DuckDB types of a Parquet file. */
export async function parquetSchema(path: string): Promise<ColumnSchema[]> {
  return withConnection(async (connection) => {
    const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${readParquet(path)}`);
    return reader.getRowObjectsJson().map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  });
}
