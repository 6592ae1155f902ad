/**
 * Regexes are RE2 (DuckDB's engine), not Python's: check that each one compiles before scanning, so a bad
 * pattern is reported with its suite and expectation. One constant query, no scan.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { expectationError } from './location.js';
import type { Suite } from './types.js';

export async function assertRegexesCompile(connection: DuckDBConnection, suites: readonly Suite[]): Promise<void> {
  const withRegex = suites.flatMap((s) => s.expectations).filter((e) => typeof e.kwargs['regex'] === 'string');
  if (withRegex.length === 0) return;
  const patterns = withRegex.map((e) => e.kwargs['regex'] as string);
  const compiles = async (list: string[]) => {
    try {
      await connection.run(`SELECT ${list.map((_, i) => `regexp_matches('', $${i + 1})`).join(', ')}`, list);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
  if ((await compiles(patterns)) === undefined) return;
  for (const expectation of withRegex) {
    const problem = await compiles([expectation.kwargs['regex'] as string]);
    if (problem === undefined) continue;
    throw expectationError(expectation, '/kwargs/regex', `is not a valid RE2 regular expression (${problem.split('\n')[0]})`);
  }
}
