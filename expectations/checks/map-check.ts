/**
 * A row-by-row expectation: two counts in the aggregate query (`count_if(…)`, DuckDB's faster spelling of
 * `count(*) FILTER (WHERE …)`, for the rows that count and for the unexpected ones), and, when its unexpected
 * values are wanted, one `LIMIT 20` branch of the follow-up query.
 */
import type { Params } from '../params.js';
import type { Expectation } from '../types.js';
import { toNumber, type Check, type CompileContext } from './check.js';
import { expandSamples, mapResult, mapSuccess, PARTIAL_UNEXPECTED_COUNT, wantsSamples } from './map-outcome.js';

export interface MapSpec {
  /**
   * SQL predicate of the rows that count (non-missing, not ignored). Undefined for the null checks: every row
   * counts and the `missing_*` fields are left out, as GX does.
   */
  readonly considered: string | undefined;
  /** A cheaper SQL count of the considered rows, e.g. `count(x)` for `x IS NOT NULL`. */
  readonly consideredCount?: string;
  /** SQL predicate, true for an unexpected row among those that count; values are bound through `params`. */
  readonly unexpected: (params: Params) => string;
  /** SQL of an unexpected row's value as JSON; undefined when the value is always null (nothing to fetch). */
  readonly value: string | undefined;
}

export function mapCheck(expectation: Expectation, context: CompileContext, spec: MapSpec): Check {
  const { aggregate, relation, sampleMode } = context;
  const rowsWhere = (params: Params): string =>
    spec.considered === undefined ? spec.unexpected(params) : `(${spec.considered}) AND (${spec.unexpected(params)})`;
  const elementAlias = aggregate.add('count(*)');
  const consideredAlias =
    spec.considered === undefined
      ? undefined
      : aggregate.add(spec.consideredCount ?? `count_if(${spec.considered})`);
  const unexpectedAlias = aggregate.add(`count_if(${rowsWhere(aggregate.params)})`);

  return {
    expectation,
    evaluate(row) {
      const counts = {
        element: toNumber(row[elementAlias]),
        considered: consideredAlias === undefined ? undefined : toNumber(row[consideredAlias]),
        unexpected: toNumber(row[unexpectedAlias]),
      };
      const success = mapSuccess(counts, expectation.kwargs['mostly']);
      if (!wantsSamples(sampleMode, success, counts.unexpected)) return { success, result: mapResult(counts, []) };
      const { value } = spec;
      if (value === undefined) {
        const nulls = new Array<null>(Math.min(counts.unexpected, PARTIAL_UNEXPECTED_COUNT)).fill(null);
        return { success, result: mapResult(counts, nulls) };
      }
      return {
        ctes: () => [],
        selects: (params, k) => [
          `(SELECT CAST(${k} AS INTEGER) AS k, CAST(${value} AS VARCHAR) AS v, CAST(1 AS BIGINT) AS n ` +
            `FROM ${relation} WHERE ${rowsWhere(params)} LIMIT ${PARTIAL_UNEXPECTED_COUNT})`,
        ],
        finish: ({ samples }) => ({ success, result: mapResult(counts, expandSamples(samples)) }),
      };
    },
  };
}
