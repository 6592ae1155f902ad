import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Table } from 'apache-arrow';
import { AssetDefinitionError } from './errors.js';
import type { PartitionMapping, PartitionsDefinition } from './partitions.js';

/** The lake layer an asset is published under, as folders of `ASSAY_HOME/lake/`. */
export const LAYERS = ['raw', 'staging', 'intermediate', 'curated', 'marts'] as const;
export type Layer = (typeof LAYERS)[number];

/** Temporal retry policy for an asset's compute activity. Durations are Temporal duration strings ('1s', '500ms'). */
export interface AssetRetryPolicy {
  maximumAttempts?: number;
  initialInterval?: string;
  backoffCoefficient?: number;
  maximumInterval?: string;
  /** Error `type`s (see `framework/errors.ts`) that fail at once instead of retrying. */
  nonRetryableErrorTypes?: string[];
}

/**
 * The settings a compute function may read, loaded once by the worker and passed in (never read from
 * `process.env` directly, so that a test or an embedded run can hand an asset its own).
 */
export interface AssetConfig {
  /** `ASSAY_HOME`, absolute. */
  readonly home: string;
  /** The environment the worker was configured with (e.g. `NIGHTSCOUT_URL`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The project's settings document (`assay.config.json`), `{}` when there is none. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Where `settings` came from, for error messages. */
  readonly settingsFile: string;
}

/** The partitions one materialization covers: one key, or a range of keys for a single-run backfill. */
export interface PartitionScope {
  /** Every key covered, in order. */
  readonly keys: readonly string[];
  /** For time partitions: from the start of the first key to the end of the last (instants). */
  readonly window?: { readonly start: Date; readonly end: Date };
  readonly timezone?: string;
}

/**
 * Something outside the lake an asset reads: a web API resource or a file. Lineage names it by the OpenLineage
 * naming spec (a URL by scheme, host and path, without credentials; a file by its path), so an auditor can follow
 * a mart back to where its data came from.
 */
export type SourceDataset = { readonly kind: 'http'; readonly url: string } | { readonly kind: 'file'; readonly path: string };

/**
 * A backfill of a `singleRun` asset materializes a range of partitions in one compute (one DuckDB query writing
 * many partition folders), like Dagster's `BackfillPolicy.single_run`; `multiRun` (the default) one per partition.
 */
export type BackfillPolicy = { readonly kind: 'multi_run' } | { readonly kind: 'single_run'; readonly maxPartitionsPerRun?: number };

/** What a TypeScript compute function receives. */
export interface AssetContext {
  readonly key: string;
  /** The partition being materialized (the first of a range); undefined for an unpartitioned asset. */
  readonly partition: string | undefined;
  /** The partitions being materialized, with their time window; undefined for an unpartitioned asset. */
  readonly partitions: PartitionScope | undefined;
  /** The Assay run id of the graph run this materialization belongs to. */
  readonly runId: string;
  readonly config: AssetConfig;
  /** A DuckDB connection for this materialization only. Upstream assets are readable through `ref`. */
  readonly connection: DuckDBConnection;
  /** SQL fragment that reads the published data of an upstream asset, e.g. `read_parquet('…/data.parquet')`. */
  ref(asset: AssetDefinition | string): string;
  /** The published data of an upstream asset as an Arrow table. */
  input(asset: AssetDefinition | string): Promise<Table>;
  /** Loads an Arrow table into `connection` as a temporary table named `name` (to join it in SQL). */
  loadArrow(table: Table, name: string): Promise<void>;
  /** Name of the table or view a compute function may create in `connection` instead of returning a Table. */
  readonly outputTable: string;
  /** Emits a heartbeat with progress details; use in long-running computes. */
  heartbeat(details?: unknown): void;
  readonly log: AssetLogger;
}

export interface AssetLogger {
  info(message: string, attrs?: Record<string, unknown>): void;
  warn(message: string, attrs?: Record<string, unknown>): void;
}

/**
 * SQL run by DuckDB. `{{ ref('key') }}` (dbt style) or an interpolated asset reads an upstream asset.
 * Exactly one of `sql` (inline) and `file` is set; the engine reads a file's SQL when it loads the definitions.
 */
export interface SqlCompute {
  readonly kind: 'sql';
  readonly sql?: string;
  /** Absolute path of the `.sql` file, when the SQL lives in one. */
  readonly file?: string;
  /** Assets interpolated into a `sql` tagged template (they become dependencies). */
  readonly refs: readonly AssetDefinition[];
}

/** A TypeScript function returning an Arrow table, or creating `ctx.outputTable` through `ctx.connection`. */
export interface TsCompute {
  readonly kind: 'ts';
  readonly run: (ctx: AssetContext) => Promise<Table | void>;
  /** Absolute path of the module that declares the function, for lineage source-code facets. */
  readonly file?: string;
}

export type AssetCompute = SqlCompute | TsCompute;

export interface AssetSpec {
  /** Unique key: `name` or a path `a/b` of snake_case segments. */
  key: string;
  deps?: readonly AssetDefinition[];
  group?: string;
  layer?: Layer;
  description?: string;
  /** Column name → description (with units), published with the schema. */
  columns?: Readonly<Record<string, string>>;
  tags?: Readonly<Record<string, string>>;
  owners?: readonly string[];
  codeVersion?: string;
  retry?: AssetRetryPolicy;
  /** Expectation suite files (Great Expectations JSON), absolute or relative to the project root. */
  suites?: readonly string[];
  /** What a raw asset reads from outside the lake, for lineage; given the configuration it will run with. */
  sources?: (config: AssetConfig) => readonly SourceDataset[] | Promise<readonly SourceDataset[]>;
  /** Split the asset into partitions (`dailyPartitions(…)`, `staticPartitions(…)`), each materialized on its own. */
  partitions?: PartitionsDefinition;
  /**
   * How this asset's partitions read a partitioned upstream asset, by the upstream's key. Default: the same key when
   * both are partitioned alike; every published partition when this asset is unpartitioned.
   */
  partitionMappings?: Readonly<Record<string, PartitionMapping>>;
  /** Default `multi_run`. A `single_run` asset must name its `partitionColumn`. */
  backfillPolicy?: BackfillPolicy;
  /**
   * The output column that says which partition a row belongs to (a DATE or TIMESTAMP for time partitions, the key
   * for static ones): how a single-run materialization splits its rows into partition folders.
   */
  partitionColumn?: string;
  compute: AssetCompute;
}

export interface AssetDefinition {
  readonly key: string;
  readonly deps: readonly AssetDefinition[];
  readonly group: string;
  readonly layer: Layer;
  readonly description: string | undefined;
  readonly columns: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly owners: readonly string[];
  readonly codeVersion: string | undefined;
  readonly retry: AssetRetryPolicy;
  readonly suites: readonly string[];
  readonly sources: AssetSpec['sources'];
  readonly partitions: PartitionsDefinition | undefined;
  readonly partitionMappings: Readonly<Record<string, PartitionMapping>>;
  readonly backfillPolicy: BackfillPolicy;
  readonly partitionColumn: string | undefined;
  readonly compute: AssetCompute;
}

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Declares an asset.
 *
 * ```ts
 * export const dailyMean = defineAsset({
 *   key: 'daily_mean',
 *   group: 'glucose',
 *   compute: sql`select day, avg(sgv) as mean_mg_dl from ${readings} group by day`,
 * });
 * ```
 */
export function defineAsset(spec: AssetSpec): AssetDefinition {
  if (!KEY_PATTERN.test(spec.key)) {
    throw new AssetDefinitionError(
      `asset key '${spec.key}' is invalid: use letters, digits and underscores, segments separated by '/'`,
    );
  }
  const deps = [...(spec.deps ?? [])];
  if (spec.compute.kind === 'sql') {
    for (const ref of spec.compute.refs) if (!deps.includes(ref)) deps.push(ref);
  }
  for (const depKey of Object.keys(spec.partitionMappings ?? {})) {
    if (!deps.some((dep) => dep.key === depKey)) {
      throw new AssetDefinitionError(`asset '${spec.key}' maps partitions of '${depKey}', which is not among its deps`);
    }
  }
  const backfillPolicy = spec.backfillPolicy ?? { kind: 'multi_run' };
  if (backfillPolicy.kind === 'single_run' && (!spec.partitions || !spec.partitionColumn)) {
    throw new AssetDefinitionError(
      `asset '${spec.key}' has a single-run backfill policy: it needs partitions and a partitionColumn naming the ` +
        'output column that says which partition each row belongs to',
    );
  }
  return Object.freeze({
    key: spec.key,
    deps: Object.freeze(deps),
    group: spec.group ?? 'default',
    layer: spec.layer ?? 'curated',
    description: spec.description,
    columns: Object.freeze({ ...(spec.columns ?? {}) }),
    tags: Object.freeze({ ...(spec.tags ?? {}) }),
    owners: Object.freeze([...(spec.owners ?? [])]),
    codeVersion: spec.codeVersion,
    retry: Object.freeze({ ...(spec.retry ?? {}) }),
    suites: Object.freeze([...(spec.suites ?? [])]),
    sources: spec.sources,
    partitions: spec.partitions,
    partitionMappings: Object.freeze({ ...(spec.partitionMappings ?? {}) }),
    backfillPolicy,
    partitionColumn: spec.partitionColumn,
    compute: spec.compute,
  });
}

/** SQL tagged template: interpolating an asset reads it (and makes it a dependency); nothing else may be interpolated. */
export function sql(strings: TemplateStringsArray, ...assets: AssetDefinition[]): SqlCompute {
  let text = strings[0] ?? '';
  assets.forEach((asset, i) => {
    if (typeof asset !== 'object' || asset === null || typeof asset.key !== 'string') {
      throw new AssetDefinitionError(
        'only assets may be interpolated into sql`…`; bind values through the asset instead of pasting them',
      );
    }
    text += `{{ ref('${asset.key}') }}` + (strings[i + 1] ?? '');
  });
  return { kind: 'sql', sql: text, refs: assets };
}

/**
 * SQL from a `.sql` file next to the declaring module: `sqlFile(import.meta.url, 'stg_x.sql')`. The file is read
 * (and its refs checked against the asset's deps) when the engine loads the definitions, not here.
 */
export function sqlFile(moduleUrl: string, relativePath: string): SqlCompute {
  return { kind: 'sql', file: fileURLToPath(new URL(relativePath, moduleUrl)), refs: [] };
}

/** A TypeScript compute function. Pass `import.meta.url` to record where it is declared. */
export function ts(run: TsCompute['run'], moduleUrl?: string): TsCompute {
  return { kind: 'ts', run, file: moduleUrl ? fileURLToPath(moduleUrl) : undefined };
}

/** Materialize a range of partitions in one compute (at most `maxPartitionsPerRun` at a time). */
export function singleRunBackfill(options: { maxPartitionsPerRun?: number } = {}): BackfillPolicy {
  return { kind: 'single_run', ...options };
}
