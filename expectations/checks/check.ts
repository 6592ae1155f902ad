/**
 * What a compiled expectation is: the aggregate expressions it adds to the one aggregate query, how it reads
 * its result from that query's row, and — only when needed — the branches it adds to the follow-up query
 * (unexpected values, exact duplicate counts).
 */
import { didYouMean } from '../../framework/did-you-mean.js';
import type { ColumnInfo } from '../column-types.js';
import { escapePointerToken } from '../json-lines.js';
import { expectationError } from '../location.js';
import { Params } from '../params.js';
import type { Expectation, ExpectationResultDetails } from '../types.js';

/** The aggregate query under construction: `add` returns the alias of an expression (shared if repeated). */
export class AggregateQuery {
  readonly params = new Params();
  readonly #aliases = new Map<string, string>();

  add(expression: string): string {
    let alias = this.#aliases.get(expression);
    if (alias === undefined) {
      alias = `a${this.#aliases.size}`;
      this.#aliases.set(expression, alias);
    }
    return alias;
  }

  get size(): number {
    return this.#aliases.size;
  }

  sql(relation: string): string {
    const selects = [...this.#aliases].map(([expression, alias]) => `  ${expression} AS ${alias}`);
    return `SELECT\n${selects.join(',\n')}\nFROM ${relation}`;
  }
}

/** Which unexpected values to fetch for `partial_unexpected_list`. */
export type SampleMode = 'failing' | 'all' | 'none';

export interface CompileContext {
  readonly relation: string;
  readonly columns: readonly ColumnInfo[];
  readonly aggregate: AggregateQuery;
  readonly sampleMode: SampleMode;
}

export interface Outcome {
  success: boolean;
  result: ExpectationResultDetails;
}

/** Rows the follow-up query returned for one check. */
export interface FollowUpRows {
  /** The exact count the check asked for, if any. */
  count: number | undefined;
  /** Values (parsed JSON) with how many rows each stands for. */
  samples: { value: unknown; rows: number }[];
}

/**
 * Branches of the follow-up query. Each SELECT yields `(k INTEGER, v VARCHAR, n BIGINT)`: `k` is the check's
 * number, `v` a value as JSON text, `n` a row count; a row with `v` null carries the exact count.
 */
export interface FollowUp {
  ctes(params: Params, k: number): string[];
  selects(params: Params, k: number): string[];
  finish(rows: FollowUpRows): Outcome;
}

export type AggregateRow = Readonly<Record<string, unknown>>;

export interface Check {
  readonly expectation: Expectation;
  /** Reads the aggregate row: the outcome, or the follow-up that completes it. */
  evaluate(row: AggregateRow): Outcome | FollowUp;
}

export function isFollowUp(value: Outcome | FollowUp): value is FollowUp {
  return 'finish' in value;
}

/** The column a kwarg names; an unknown column is an `InvalidDocumentError` naming suite, pointer and columns. */
export function resolveColumn(context: CompileContext, expectation: Expectation, kwarg: string, index?: number): ColumnInfo {
  const value = expectation.kwargs[kwarg];
  const name = String(index === undefined ? value : (value as unknown[])[index]);
  const column = context.columns.find((c) => c.name === name);
  if (column !== undefined) return column;
  const names = context.columns.map((c) => c.name);
  throw expectationError(
    expectation,
    `/kwargs/${escapePointerToken(kwarg)}${index === undefined ? '' : `/${index}`}`,
    `names column '${name}', which does not exist in ${context.relation}${didYouMean(name, names)}; ` +
      `its columns are ${names.join(', ')}`,
  );
}

/** `JSON.parse` that also reads DuckDB's bare `NaN` / `Infinity`, as strings. */
export function parseJsonValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const quoted = text.replace(/(^|[[,:])(-?Infinity|NaN)(?=$|[\],}])/g, '$1"$2"');
    try {
      return JSON.parse(quoted);
    } catch {
      return text;
    }
  }
}

/** A count or statistic from the aggregate row: BIGINT/HUGEINT arrive as strings. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** A statistic as `observed_value`: numbers stay numbers; big integers and decimals become numbers; NaN a string. */
export function observed(value: unknown, numeric: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (numeric && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}
