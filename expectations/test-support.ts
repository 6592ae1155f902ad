/**
 * Helpers for the expectations tests: a table in a throwaway in-memory DuckDB, and suites built inline.
 *
 * ```ts
 * const result = await runOne('SELECT * FROM (VALUES (1), (NULL)) v(x)', 'expect_column_values_to_not_be_null', { column: 'x' });
 * ```
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parseSuite } from './load.js';
import { validateRelation, type ValidateOptions } from './run.js';
import type { ExpectationResult, Suite, ValidationResult } from './types.js';

/** Runs `fn` with a connection holding table `t` created from `query`; all handles closed afterwards. */
export async function withTable<T>(query: string, fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    try {
      await connection.run("SET TimeZone = 'UTC'");
      await connection.run(`CREATE TABLE t AS ${query}`);
      return await fn(connection);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

export type ExpectationSpec = [type: string, kwargs: Record<string, unknown>, extra?: Record<string, unknown>];

/** A GX 1.x suite document from `[type, kwargs, extra]` triples. */
export function suiteOf(specs: readonly ExpectationSpec[], name = 'test_suite'): Suite {
  const expectations = specs.map(([type, kwargs, extra]) => ({ type, kwargs, meta: {}, ...extra }));
  return parseSuite({ name, expectations }, `${name}.json`);
}

/** Validates table `t` (from `query`) against the expectations. */
export function validateTable(
  query: string,
  specs: readonly ExpectationSpec[],
  options?: ValidateOptions,
): Promise<ValidationResult> {
  return withTable(query, (connection) => validateRelation(connection, 't', [suiteOf(specs)], options));
}

/** Validates one expectation on table `t` (from `query`) and returns its result. */
export async function runOne(
  query: string,
  type: string,
  kwargs: Record<string, unknown>,
  options?: ValidateOptions,
): Promise<ExpectationResult> {
  const result = await validateTable(query, [[type, kwargs]], options);
  return result.results[0] as ExpectationResult;
}

/** SQL of a one-column table `t(x)` holding `values` (SQL literals, e.g. `'1'`, `'NULL'`), typed `type`. */
export function column(type: string, values: readonly (string | number)[]): string {
  if (values.length === 0) return `SELECT CAST(NULL AS ${type}) AS x WHERE FALSE`;
  return `SELECT x FROM (VALUES ${values.map((v) => `(CAST(${v} AS ${type}))`).join(', ')}) v(x)`;
}
