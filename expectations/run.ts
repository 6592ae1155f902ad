/**
 * Validating data: compile the suites against the relation's columns, run the aggregate query (one scan),
 * then the follow-up query only if some check needs unexpected values or exact duplicate counts.
 */
import { stat } from 'node:fs/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { InvalidDataError } from '../framework/errors.js';
import { isFollowUp, type AggregateRow, type FollowUp, type Outcome, type SampleMode } from './checks/check.js';
import { compilePlan } from './compile.js';
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
  const plan = compilePlan(suites, relation, columns, options.partialUnexpected ?? 'failing');

  let scans = 0;
  let row: AggregateRow = {};
  if (plan.aggregate.size > 0) {
    scans++;
    const rows = await runQuery(connection, plan.aggregate.sql(relation), plan.aggregate.params, 'expectation query');
    row = rows[0] ?? {};
  }
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

/** Validates a `.parquet` or `.csv` file against suite files, in an in-memory DuckDB of its own. */
export async function validateFile(
  dataPath: string,
  suitePaths: readonly string[],
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const relation = fileRelation(dataPath);
  await stat(dataPath).catch((cause: unknown) => {
    throw new InvalidDataError(`cannot read data file ${dataPath}: ${(cause as Error).message}`, { cause });
  });
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
