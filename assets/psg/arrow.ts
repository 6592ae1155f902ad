/** Small helpers to build the Arrow tables the PSG assets hand to DuckDB. */
import { Float64, Int32, Table, Utf8, vectorFromArray, type Vector } from 'apache-arrow';

export type ColumnValues =
  | { readonly type: 'utf8'; readonly values: readonly (string | null)[] }
  | { readonly type: 'int32'; readonly values: readonly (number | null)[] }
  | { readonly type: 'float64'; readonly values: readonly (number | null)[] };

/** An Arrow table from plain columns (nulls allowed in every column). */
export function arrowTable(columns: Record<string, ColumnValues>): Table {
  const vectors: Record<string, Vector> = {};
  for (const [name, column] of Object.entries(columns)) {
    const type = column.type === 'utf8' ? new Utf8() : column.type === 'int32' ? new Int32() : new Float64();
    vectors[name] = vectorFromArray(column.values as unknown[], type) as Vector;
  }
  return new Table(vectors);
}

/** Separator for list columns that travel as one string (ASCII unit separator: never in EDF labels). */
export const LIST_SEPARATOR = '\u001f';
