/**
 * `expect_column_pair_values_a_to_be_greater_than_b`: rows ignored per `ignore_row_if` (default: both values
 * missing) are the missing ones; among the others a row is unexpected unless A > B (A ≥ B with `or_equal`),
 * so a row with one null value is unexpected unless ignored, as in GX.
 */
import { DuckDBTypeId } from '@duckdb/node-api';
import type { ColumnInfo } from '../column-types.js';
import { expectationError } from '../location.js';
import type { Expectation } from '../types.js';
import { resolveColumn, type Check, type CompileContext } from './check.js';
import { mapCheck } from './map-check.js';

export function compileColumnPair(expectation: Expectation, context: CompileContext): Check {
  const columnA = resolveColumn(context, expectation, 'column_A');
  const columnB = resolveColumn(context, expectation, 'column_B');
  if (textWithOther(columnA, columnB) || textWithOther(columnB, columnA)) {
    // DuckDB does not compare text with other types; say so with the suite's location rather than fail the query.
    throw expectationError(
      expectation,
      '/kwargs/column_B',
      `compares column '${columnA.name}' (${columnA.type}) with column '${columnB.name}' (${columnB.type}): ` +
        'text compares only with text',
    );
  }
  const a = columnA.sql;
  const b = columnB.sql;
  const ignore = (expectation.kwargs['ignore_row_if'] as string | undefined) ?? 'both_values_are_missing';
  const considered = {
    both_values_are_missing: `NOT (${a} IS NULL AND ${b} IS NULL)`,
    either_value_is_missing: `${a} IS NOT NULL AND ${b} IS NOT NULL`,
    neither: 'TRUE',
  }[ignore];
  const operator = expectation.kwargs['or_equal'] === true ? '>=' : '>';
  return mapCheck(expectation, context, {
    considered,
    unexpected: () => `NOT coalesce(${a} ${operator} ${b}, FALSE)`,
    value: `json_array(${a}, ${b})`,
  });
}

function textWithOther(text: ColumnInfo, other: ColumnInfo): boolean {
  return text.typeId === DuckDBTypeId.VARCHAR && other.typeId !== DuckDBTypeId.VARCHAR && other.typeId !== DuckDBTypeId.SQLNULL;
}
