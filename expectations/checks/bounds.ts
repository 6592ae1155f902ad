/**
 * `min_value` / `max_value` / `strict_min` / `strict_max` as SQL: a null bound is unbounded; values are bound
 * parameters, so a string bound is cast by DuckDB to the compared type (dates, timestamps).
 */
import { isNumeric, type ColumnInfo } from '../column-types.js';
import { expectationError } from '../location.js';
import type { ParamValue, Params } from '../params.js';
import type { Expectation } from '../types.js';

export interface Bounds {
  readonly min: ParamValue | null;
  readonly max: ParamValue | null;
  readonly strictMin: boolean;
  readonly strictMax: boolean;
}

export function boundsOf(kwargs: Readonly<Record<string, unknown>>): Bounds {
  return {
    min: (kwargs['min_value'] as ParamValue | null | undefined) ?? null,
    max: (kwargs['max_value'] as ParamValue | null | undefined) ?? null,
    strictMin: kwargs['strict_min'] === true,
    strictMax: kwargs['strict_max'] === true,
  };
}

/** SQL true when `expression` is within the bounds (`TRUE` when unbounded; null when `expression` is null). */
export function withinSql(expression: string, bounds: Bounds, params: Params): string {
  const parts: string[] = [];
  if (bounds.min !== null) parts.push(`${expression} ${bounds.strictMin ? '>' : '>='} ${params.bind(bounds.min)}`);
  if (bounds.max !== null) parts.push(`${expression} ${bounds.strictMax ? '<' : '<='} ${params.bind(bounds.max)}`);
  return parts.length === 0 ? 'TRUE' : parts.join(' AND ');
}

/**
 * Refuses a number bound on a column that is not numeric: DuckDB would compare `'100' < '20'` as text (GX on
 * pandas raises). A string bound on a numeric column is fine: it is cast to the column's type.
 */
export function assertBoundsFit(expectation: Expectation, column: ColumnInfo, bounds: Bounds): void {
  if (isNumeric(column)) return;
  for (const [kwarg, value] of [['min_value', bounds.min], ['max_value', bounds.max]] as const) {
    if (typeof value !== 'number') continue;
    throw expectationError(
      expectation,
      `/kwargs/${kwarg}`,
      `is the number ${value}, but column '${column.name}' is ${column.type}: write the bound as a string of that type`,
    );
  }
}
