import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AssetConfig, AssetContext, AssetDefinition, AssetLogger, PartitionScope } from '../framework/asset.js';
import type { Definitions } from '../framework/definitions.js';
import { AssayError, AssetDefinitionError, SqlError, UpstreamMissingError } from '../framework/errors.js';
import { upstreamRead } from '../framework/partition-mapping.js';
import { partitionWindow } from '../framework/partitions.js';
import { quoteIdent, quoteLiteral, readParquet } from '../framework/sql.js';
import { resolveRefs, type SqlVariable } from '../framework/sql-refs.js';
import { arrowToDuckDB, duckDBToArrow } from './arrow-duckdb.js';
import { assetDir, publishedPartitionFiles, publishedPath } from './lake.js';
import { sqlText } from './sql-text.js';

export interface ColumnSchema {
  name: string;
  type: string;
}

export interface ComputeRequest {
  definitions: Definitions;
  config: AssetConfig;
  key: string;
  /** The partitions to materialize (one, or a range for a single-run backfill); none for an unpartitioned asset. */
  partitions?: readonly string[];
  runId: string;
  heartbeat?: (details?: unknown) => void;
  log?: AssetLogger;
}

/** What a compute left in its connection: a temporary table of the asset's rows. */
export interface ComputedTable {
  /** The table's name in the connection (quoted as needed by the caller). */
  table: string;
  schema: ColumnSchema[];
  /** For a SQL asset: the SQL that ran, with every `{{ ref() }}` resolved to what it read. */
  sql?: string;
  /** Each upstream asset and the relation that read it in `sql` (`read_parquet(…)`). */
  reads: { key: string; relation: string }[];
}

/** The temporary table every materialization computes into; TypeScript assets may create it themselves. */
export const OUTPUT_TABLE = 'assay_output';
const RESULT_TABLE = 'assay_result';
const silentLog: AssetLogger = { info: () => {}, warn: () => {} };

/**
 * Computes an asset into a temporary table of `connection` (in memory, spilled to disk by DuckDB when large), so
 * that its checks, its Parquet file and its schema all read it there rather than re-reading the file.
 */
export async function computeTable(connection: DuckDBConnection, request: ComputeRequest): Promise<ComputedTable> {
  const asset = request.definitions.graph.get(request.key);
  const scope = partitionScope(asset, request.partitions ?? []);
  const upstream = await upstreamFiles(request, asset, scope?.keys ?? []);
  const reads = new Map<string, string>();
  const reader = (dep: AssetDefinition | string) => {
    const relation = readerOf(asset, upstream, dep);
    reads.set(typeof dep === 'string' ? dep : dep.key, relation);
    return relation;
  };
  const readList = () => [...reads].map(([key, relation]) => ({ key, relation }));
  if (asset.compute.kind === 'sql') {
    const sql = resolveRefs(sqlText(asset.compute).trim().replace(/;\s*$/, ''), reader, sqlVariables(scope));
    await runSql(asset, () => connection.run(`CREATE OR REPLACE TEMP TABLE ${RESULT_TABLE} AS ${sql}`));
    return { table: RESULT_TABLE, sql, reads: readList(), ...(await describeTable(connection, RESULT_TABLE)) };
  }
  const context: AssetContext = {
    key: asset.key,
    partition: scope?.keys[0],
    partitions: scope,
    runId: request.runId,
    config: request.config,
    connection,
    ref: reader,
    input: (dep) => duckDBToArrow(connection, `SELECT * FROM ${reader(dep)}`),
    loadArrow: (table, name) => arrowToDuckDB(connection, table, name, `asset '${asset.key}'`),
    outputTable: OUTPUT_TABLE,
    heartbeat: request.heartbeat ?? (() => {}),
    log: request.log ?? silentLog,
  };
  const { run } = asset.compute;
  const table = await runUserCompute(asset, () => run(context));
  if (table) {
    await arrowToDuckDB(connection, table, OUTPUT_TABLE, `asset '${asset.key}'`);
    return { table: OUTPUT_TABLE, reads: readList(), ...(await describeTable(connection, OUTPUT_TABLE)) };
  }
  const kind = await outputKind(connection);
  if (kind === 'table') return { table: OUTPUT_TABLE, reads: readList(), ...(await describeTable(connection, OUTPUT_TABLE)) };
  if (kind === 'view') {
    // A view would be re-run by every reader (checks, COPY): run it once.
    await runSql(asset, () =>
      connection.run(`CREATE OR REPLACE TEMP TABLE ${RESULT_TABLE} AS SELECT * FROM ${quoteIdent(OUTPUT_TABLE)}`),
    );
    return { table: RESULT_TABLE, reads: readList(), ...(await describeTable(connection, RESULT_TABLE)) };
  }
  throw new AssetDefinitionError(
    `asset '${asset.key}': its compute function returned nothing and did not create '${OUTPUT_TABLE}'; ` +
      `return an Arrow Table or create ctx.outputTable (CREATE TEMP TABLE ${OUTPUT_TABLE} AS …)`,
  );
}

async function outputKind(connection: DuckDBConnection): Promise<'table' | 'view' | undefined> {
  const found = await connection.runAndReadAll(
    `SELECT 'table' FROM duckdb_tables() WHERE table_name = $1 UNION ALL
     SELECT 'view' FROM duckdb_views() WHERE view_name = $1`,
    [OUTPUT_TABLE],
  );
  return found.getRows()[0]?.[0] as 'table' | 'view' | undefined;
}

/** The columns of a table, from DuckDB's catalog (no scan). */
async function describeTable(connection: DuckDBConnection, table: string): Promise<{ schema: ColumnSchema[] }> {
  const columns = await connection.runAndReadAll(
    `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = $1 AND database_name = 'temp' ORDER BY column_index`,
    [table],
  );
  return { schema: columns.getRows().map(([name, type]) => ({ name: String(name), type: String(type) })) };
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

async function runSql<T>(asset: AssetDefinition, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AssayError) throw err;
    const where = asset.compute.file ? ` (${asset.compute.file})` : '';
    throw new SqlError(`asset '${asset.key}'${where}: ${(err as Error).message}`, { cause: err });
  }
}

/** The scope of a materialization: its keys and, for time partitions, the window from the first to the last. */
export function partitionScope(asset: AssetDefinition, keys: readonly string[]): PartitionScope | undefined {
  const definition = asset.partitions;
  if (!definition || keys.length === 0) return undefined;
  if (definition.kind === 'static') return { keys };
  const start = partitionWindow(definition, keys[0]!).start;
  const end = partitionWindow(definition, keys[keys.length - 1]!).end;
  return { keys, window: { start, end }, timezone: definition.timezone };
}

function sqlVariables(scope: PartitionScope | undefined): Partial<Record<SqlVariable, string>> {
  if (!scope) return {};
  const timestamp = (at: Date) => `${quoteLiteral(at.toISOString())}::TIMESTAMPTZ`;
  return {
    partition_key: quoteLiteral(scope.keys[0]!),
    ...(scope.window ? { partition_start: timestamp(scope.window.start), partition_end: timestamp(scope.window.end) } : {}),
    ...(scope.timezone ? { timezone: quoteLiteral(scope.timezone) } : {}),
  };
}

/** The published files each dep of `asset` is read from, for the partitions `keys` of `asset`. */
async function upstreamFiles(request: ComputeRequest, asset: AssetDefinition, keys: readonly string[]): Promise<Map<string, string[]>> {
  const files = new Map<string, string[]>();
  const home = request.config.home;
  for (const dep of asset.deps) {
    const read = upstreamRead(asset, dep, keys);
    let paths: string[];
    if (read.kind === 'whole') {
      paths = [publishedPath(home, dep)];
    } else if (read.kind === 'all') {
      paths = await publishedPartitionFiles(home, dep);
      if (paths.length === 0) {
        throw new UpstreamMissingError(
          `asset '${asset.key}' needs '${dep.key}', which has no published partition yet (in ${assetDir(home, dep)}); ` +
            `materialize it first or select '+${asset.key}'`,
        );
      }
    } else {
      const optional = new Set(read.optional ?? []);
      paths = read.keys.filter((key) => !optional.has(key) || existsSync(publishedPath(home, dep, key))).map((key) => publishedPath(home, dep, key));
    }
    const missing = read.kind === 'all' ? [] : paths.filter((path) => !existsSync(path));
    if (missing.length > 0) {
      const what = read.kind === 'partitions' ? `partition(s) ${read.keys.filter((k) => missing.includes(publishedPath(home, dep, k))).join(', ')} of '${dep.key}'` : `'${dep.key}'`;
      throw new UpstreamMissingError(
        `asset '${asset.key}'${keys.length ? ` [${keys.length === 1 ? keys[0] : `${keys[0]} … ${keys[keys.length - 1]}`}]` : ''} needs ${what}, ` +
          `which has not been materialized yet (no ${missing[0]}); materialize it first or select '+${asset.key}'`,
      );
    }
    files.set(dep.key, paths);
  }
  return files;
}


function readerOf(asset: AssetDefinition, upstream: Map<string, string[]>, dep: AssetDefinition | string): string {
  const depKey = typeof dep === 'string' ? dep : dep.key;
  const files = upstream.get(depKey);
  if (!files) {
    throw new AssetDefinitionError(`asset '${asset.key}' reads '${depKey}', which is not among its deps; add it to deps`);
  }
  return readParquet(files.length === 1 ? files[0]! : files);
}
