/**
 * Validating data: compile the suites against the relation's columns, run the aggregate query (one scan),
 * then the follow-up query only if some check needs unexpected values or exact duplicate counts.
 */
import { stat } from 'node:fs/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { InvalidDataError } from '../framework/errors.js';
import { isFollowUp, type AggregateRow, type FollowUp, type Outcome, type SampleMode } from './checks/check.js';
import { typeColumns } from './column-typing.js';
import { compilePlan, type Plan } from './compile.js';
import { runFollowUps } from './follow-up.js';
import { loadSuite } from './load.js';
import { runQuery } from './query.js';
import { assertRegexesCompile } from './regexes.js';
import { describeRelation, fileRelation } from './relation.js';
import { buildValidationResult } from './results.js';
import type { Suite, ValidationResult } from './types.js';

export interface ValidateOptions {
  /**
   * Which expectations get a `partial_unexpected_list`: `failing` (default) fetches values only for failed
   * expectations, `all` also for those passing within `mostly`, `none` never (then one scan at most, except
   * for duplicate counts).
   */
  partialUnexpected?: SampleMode;
  /**
   * Column name → DuckDB type name (`INTEGER`, `DOUBLE`, `TIMESTAMP WITH TIME ZONE`, `DECIMAL(18,3)`), e.g. the
   * asset's schema: the type of a column that has no values where DuckDB could only guess one (an all-empty CSV
   * column reads as VARCHAR). It takes precedence over the type the suites imply; the data's own types (Parquet,
   * tables) always stand. See `column-typing.ts`.
   */
  declaredTypes?: Readonly<Record<string, string>>;
}

/**
 * Validates a relation — a SQL table expression such as `read_parquet('x.parquet')` or a quoted table name,
 * pasted into `FROM` as is, so it must come from code, never from data — against suites.
 */
export async function validateRelation(
  connection: DuckDBConnection,
  relation: string,
  suites: readonly Suite[],
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const started = performance.now();
  const validationTime = new Date().toISOString();
  const columns = await describeRelation(connection, relation);
  await assertRegexesCompile(connection, suites);
  const typing = await typeColumns(connection, columns, suites, options.declaredTypes);
  const sampleMode = options.partialUnexpected ?? 'failing';
  let plan = compilePlan(suites, relation, typing, sampleMode);
  let row: AggregateRow;
  try {
    row = await runAggregate(connection, relation, plan);
  } catch (error) {
    if (typing.implied.size === 0) throw error;
    // DuckDB refused a typed reading, typically before reading a row: a constant of the suite that the implied
    // type cannot hold, such as 'n/a' in a set for a column typed DOUBLE. Typing must never make a validation
    // fail that would run without it, so every column is read as the data types it, as if nothing were typed.
    plan = compilePlan(suites, relation, { columns, implied: new Map() }, sampleMode);
    row = await runAggregate(connection, relation, plan);
  }

  let scans = plan.aggregate.size > 0 ? 1 : 0;
  const evaluations = plan.checks.map(({ check }) => check.evaluate(row));
  const followUps = new Map<number, FollowUp>();
  evaluations.forEach((evaluation, k) => {
    if (isFollowUp(evaluation)) followUps.set(k, evaluation);
  });
  const followUpRows = followUps.size > 0 ? await runFollowUps(connection, followUps) : new Map();
  if (followUps.size > 0) scans++;

  const outcomes: Outcome[] = evaluations.map((evaluation, k) =>
    isFollowUp(evaluation) ? evaluation.finish(followUpRows.get(k) ?? { count: undefined, samples: [] }) : evaluation,
  );
  return buildValidationResult(
    plan.checks.map(({ suite, check }, k) => ({ suite, expectation: check.expectation, outcome: outcomes[k] as Outcome })),
    {
      suite_names: suites.map((s) => s.name),
      relation,
      scans,
      validation_time: validationTime,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
    },
  );
}

/** The aggregate query's one row (one scan), or no row when the plan has no aggregate expression. */
async function runAggregate(connection: DuckDBConnection, relation: string, plan: Plan): Promise<AggregateRow> {
  if (plan.aggregate.size === 0) return {};
  const rows = await runQuery(connection, plan.aggregate.sql(relation), plan.aggregate.params, 'expectation query');
  return rows[0] ?? {};
}

/** Validates a `.parquet` or `.csv` file (or a glob of them) against suite files, in an in-memory DuckDB of its own. */
export async function validateFile(
  dataPath: string,
  suitePaths: readonly string[],
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const relation = fileRelation(dataPath);
  // A glob (every partition of an asset) is checked by DuckDB when it reads it; a plain path here, with a clear error.
  if (!/[*?[]/.test(dataPath)) {
    await stat(dataPath).catch((cause: unknown) => {
      throw new InvalidDataError(`cannot read data file ${dataPath}: ${(cause as Error).message}`, { cause });
    });
  }
  const suites = await Promise.all(suitePaths.map(loadSuite));
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    try {
      await connection.run("SET TimeZone = 'UTC'");
      return await validateRelation(connection, relation, suites, options);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
