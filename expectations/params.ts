/**
 * Bound parameters for one query: `bind(value)` returns its placeholder (`$1`, `$2`, …) and a value bound twice
 * reuses its placeholder, so identical SQL fragments stay identical (and are computed once by DuckDB). Every
 * parameter has an explicit DuckDB type.
 */
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, LIST, listValue, VARCHAR, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';

export type ParamValue = string | number | boolean;

export class Params {
  readonly values: DuckDBValue[] = [];
  readonly types: DuckDBType[] = [];
  readonly #placeholders = new Map<string, string>();

  bind(value: ParamValue): string {
    return this.#add(`${typeof value}:${String(value)}`, value, typeOf(value));
  }

  /** A list of values (all strings, all numbers or all booleans) as one `LIST` parameter. */
  bindList(items: readonly ParamValue[]): string {
    const first = items[0];
    const elementType = items.every((v) => typeof v === 'number' && Number.isSafeInteger(v))
      ? BIGINT
      : first === undefined
        ? VARCHAR
        : typeOf(first) === INTEGER
          ? DOUBLE
          : typeOf(first);
    return this.#add(`list:${elementType.toString()}:${JSON.stringify(items)}`, listValue([...items]), LIST(elementType));
  }

  #add(key: string, value: DuckDBValue, type: DuckDBType): string {
    let placeholder = this.#placeholders.get(key);
    if (placeholder === undefined) {
      this.values.push(value);
      this.types.push(type);
      placeholder = `$${this.values.length}`;
      this.#placeholders.set(key, placeholder);
    }
    return placeholder;
  }
}

function typeOf(value: ParamValue): DuckDBType {
  if (typeof value === 'string') return VARCHAR;
  if (typeof value === 'boolean') return BOOLEAN;
  if (!Number.isInteger(value)) return DOUBLE;
  return value >= -2_147_483_648 && value <= 2_147_483_647 ? INTEGER : BIGINT;
}
