/**
 * Aggregate expectations: one statistic per expectation, compared with its bounds in SQL (so dates and
 * timestamps compare as such). A null or NaN statistic fails; the standard deviation is the sample one
 * (n − 1); the proportion of unique values is distinct / non-null values, 0 when there are none (as GX).
 */
import { isFloat, isNumeric, type ColumnInfo } from '../column-types.js';
import { expectationError } from '../location.js';
import type { Expectation } from '../types.js';
import { assertBoundsFit, boundsOf, withinSql } from './bounds.js';
import { observed, resolveColumn, type Check, type CompileContext } from './check.js';

interface Statistic {
  readonly sql: string;
  /** Whether the statistic is a number (its observed value is made one). */
  readonly numeric: boolean;
  /** Whether it can be NaN (then NaN fails). */
  readonly float: boolean;
}

export function compileStatistic(expectation: Expectation, context: CompileContext): Check {
  const { aggregate } = context;
  const statistic = statisticOf(expectation, context);
  const params = aggregate.params;
  const condition =
    expectation.type === 'expect_table_row_count_to_equal'
      ? `${statistic.sql} = ${params.bind(expectation.kwargs['value'] as number)}`
      : withinSql(statistic.sql, boundsOf(expectation.kwargs), params);
  const notNaN = statistic.float ? ` AND NOT isnan(${statistic.sql})` : '';
  const statAlias = aggregate.add(statistic.sql);
  const okAlias = aggregate.add(`coalesce(${statistic.sql} IS NOT NULL${notNaN} AND ${condition}, FALSE)`);
  return {
    expectation,
    evaluate: (row) => ({
      success: row[okAlias] === true,
      result: { observed_value: observed(row[statAlias], statistic.numeric) },
    }),
  };
}

function statisticOf(expectation: Expectation, context: CompileContext): Statistic {
  if (expectation.type.startsWith('expect_table_row_count')) return { sql: 'count(*)', numeric: true, float: false };
  const column = resolveColumn(context, expectation, 'column');
  const x = column.sql;
  switch (expectation.type) {
    case 'expect_column_mean_to_be_between':
      return { sql: `avg(${numericColumn(expectation, column, x)})`, numeric: true, float: true };
    case 'expect_column_median_to_be_between':
      return { sql: `CAST(median(${numericColumn(expectation, column, x)}) AS DOUBLE)`, numeric: true, float: true };
    case 'expect_column_stdev_to_be_between':
      return { sql: `stddev_samp(${numericColumn(expectation, column, x)})`, numeric: true, float: true };
    case 'expect_column_sum_to_be_between':
      return { sql: `sum(${numericColumn(expectation, column, x)})`, numeric: true, float: isFloat(column) };
    case 'expect_column_min_to_be_between':
      assertBoundsFit(expectation, column, boundsOf(expectation.kwargs));
      return { sql: `min(${x})`, numeric: isNumeric(column), float: isFloat(column) };
    case 'expect_column_max_to_be_between':
      assertBoundsFit(expectation, column, boundsOf(expectation.kwargs));
      return { sql: `max(${x})`, numeric: isNumeric(column), float: isFloat(column) };
    case 'expect_column_proportion_of_unique_values_to_be_between':
      return {
        sql: `CASE WHEN count(${x}) = 0 THEN 0.0 ELSE count(DISTINCT ${x}) / count(${x}) END`,
        numeric: true,
        float: false,
      };
    case 'expect_column_unique_value_count_to_be_between':
      return { sql: `count(DISTINCT ${x})`, numeric: true, float: false };
    default:
      throw new Error(`not an aggregate expectation: ${expectation.type}`);
  }
}

function numericColumn(expectation: Expectation, column: ColumnInfo, sql: string): string {
  if (isNumeric(column)) return sql;
  throw expectationError(expectation, '/kwargs/column', `needs a numeric column, but '${column.name}' is ${column.type}`);
}
