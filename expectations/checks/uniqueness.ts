/**
 * `expect_column_values_to_be_unique` and `expect_compound_columns_to_be_unique`. Every occurrence of a
 * duplicated value is unexpected (GX's `duplicated(keep=False)`); nulls are missing for one column, and for
 * compound columns `ignore_row_if` (default: all values missing) says which rows are missing. Null equals null
 * within a compound key, as in a GROUP BY.
 *
 * The aggregate query only screens: if the distinct hashes of the considered rows are as many as the rows,
 * there is no duplicate (equal values have equal hashes). Otherwise the follow-up query counts the rows of
 * duplicated keys exactly (a hash collision then gives 0) and lists some of them.
 */
import { quoteIdent } from '../../framework/sql.js';
import type { Params } from '../params.js';
import type { Expectation } from '../types.js';
import { resolveColumn, toNumber, type Check, type CompileContext } from './check.js';
import { expandSamples, mapResult, mapSuccess, PARTIAL_UNEXPECTED_COUNT, wantsSamples } from './map-outcome.js';

export function compileUniqueness(expectation: Expectation, context: CompileContext): Check {
  const { aggregate, relation, sampleMode } = context;
  const compound = expectation.type === 'expect_compound_columns_to_be_unique';
  const resolved = compound
    ? (expectation.kwargs['column_list'] as string[]).map((_, i) => resolveColumn(context, expectation, 'column_list', i))
    : [resolveColumn(context, expectation, 'column')];
  const names = resolved.map((c) => c.name);
  const columns = resolved.map((c) => c.sql);
  const keys = columns.join(', ');
  // The duplicated keys' CTE names each key after its column, so its rows are read back by quoted name.
  const keyColumns = resolved.map((c) => (c.sql === quoteIdent(c.name) ? c.sql : `${c.sql} AS ${quoteIdent(c.name)}`)).join(', ');
  const keyNames = names.map(quoteIdent);
  const ignore = compound ? ((expectation.kwargs['ignore_row_if'] as string | undefined) ?? 'all_values_are_missing') : 'any_value_is_missing';
  const considered = {
    all_values_are_missing: `NOT (${columns.map((c) => `${c} IS NULL`).join(' AND ')})`,
    any_value_is_missing: columns.map((c) => `${c} IS NOT NULL`).join(' AND '),
    never: 'TRUE',
  }[ignore];
  const value = (params: Params): string =>
    compound
      ? `json_object(${names.map((n, i) => `${params.bind(n)}, ${keyNames[i]}`).join(', ')})`
      : `to_json(${keyNames.join(', ')})`;

  const elementAlias = aggregate.add('count(*)');
  const consideredAlias = aggregate.add(`count_if(${considered})`);
  const distinctAlias = aggregate.add(`count(DISTINCT hash(${keys})) FILTER (WHERE ${considered})`);

  return {
    expectation,
    evaluate(row) {
      const element = toNumber(row[elementAlias]);
      const consideredRows = toNumber(row[consideredAlias]);
      if (toNumber(row[distinctAlias]) === consideredRows) {
        const counts = { element, considered: consideredRows, unexpected: 0 };
        return { success: true, result: mapResult(counts, []) };
      }
      const groups = (k: number) => `__assay_duplicates_${k}`;
      return {
        ctes: (_params, k) => [
          `${groups(k)} AS MATERIALIZED (SELECT ${keyColumns}, count(*) AS __assay_rows FROM ${relation} ` +
            `WHERE ${considered} GROUP BY ${keys} HAVING count(*) > 1)`,
        ],
        selects: (params, k) => {
          const count = `(SELECT CAST(${k} AS INTEGER) AS k, CAST(NULL AS VARCHAR) AS v, CAST(coalesce(sum(__assay_rows), 0) AS BIGINT) AS n FROM ${groups(k)})`;
          if (sampleMode === 'none') return [count];
          return [
            count,
            `(SELECT CAST(${k} AS INTEGER) AS k, CAST(${value(params)} AS VARCHAR) AS v, CAST(__assay_rows AS BIGINT) AS n ` +
              `FROM ${groups(k)} ORDER BY __assay_rows DESC, 2 LIMIT ${PARTIAL_UNEXPECTED_COUNT})`,
          ];
        },
        finish: ({ count, samples }) => {
          const counts = { element, considered: consideredRows, unexpected: count ?? 0 };
          const success = mapSuccess(counts, expectation.kwargs['mostly']);
          const partial = wantsSamples(sampleMode, success, counts.unexpected) ? expandSamples(samples) : [];
          return { success, result: mapResult(counts, partial) };
        },
      };
    },
  };
}
