/**
 * The subset of Nightscout API v1 query syntax the simulator understands, with Nightscout's
 * semantics:
 * - `count` (default 10); `find[field]=value` (equality) and `find[field][$op]=value` with
 *   `$eq $ne $gt $gte $lt $lte $in $nin` (`$in[]=a&$in[]=b`);
 * - `date`, `sgv`, `mbg`, `noise`, `rssi`, `filtered`, `unfiltered` values go through
 *   `parseInt` (so `find[date][$gte]=2024-12-30` means `>= 2024`, as on a real site), everything
 *   else stays a string; comparing a number with a string matches nothing, as in MongoDB;
 * - a query without any `date`/`dateString`/`_id` condition only searches the last 4 days;
 * - results are newest first by `date`.
 */
import type { ServedEntry } from './entries-file.js';

export type Operator = '$eq' | '$ne' | '$gt' | '$gte' | '$lt' | '$lte' | '$in' | '$nin';

export interface Condition {
  field: string;
  op: Operator;
  value: unknown;
}

export interface EntriesQuery {
  count: number;
  conditions: Condition[];
}

/** A query Nightscout would refuse (answered with HTTP 400). */
export class QueryError extends Error {}

const OPERATORS = new Set<string>(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin']);
const INTEGER_FIELDS = new Set(['date', 'sgv', 'mbg', 'noise', 'rssi', 'filtered', 'unfiltered']);
/** Nightscout's window for queries that name no date: 2 × TWO_DAYS. */
export const DEFAULT_WINDOW_MS = 4 * 24 * 60 * 60 * 1000;

type Nested = { [key: string]: unknown };

function segmentsOf(key: string): string[] {
  const match = /^([^[\]]*)((?:\[[^\]]*\])*)$/.exec(key);
  if (!match) return [key];
  return [match[1] as string, ...Array.from((match[2] as string).matchAll(/\[([^\]]*)\]/g), (part) => part[1] as string)];
}

/** Parses a query string into nested objects the way Express's `qs` does (`a[b][c]=1`, `a[]=1`). */
export function parseNested(search: string): Nested {
  const root: Nested = Object.create(null) as Nested;
  for (const [key, value] of new URLSearchParams(search)) {
    const segments = segmentsOf(key);
    let node = root;
    for (let i = 0; i < segments.length - 1; i++) {
      const segment = segments[i] as string;
      const next = segments[i + 1] as string;
      if (next === '' || /^\d+$/.test(next)) {
        // `a[]=x` / `a[0]=x`: an array of values under `segment`.
        const existing = node[segment];
        const list = Array.isArray(existing) ? existing : existing === undefined ? [] : [existing];
        list.push(value);
        node[segment] = list;
        node = undefined as unknown as Nested;
        break;
      }
      let child = node[segment];
      if (typeof child !== 'object' || child === null || Array.isArray(child)) {
        child = Object.create(null) as Nested;
        node[segment] = child;
      }
      node = child as Nested;
    }
    if (node === undefined) continue;
    const last = segments[segments.length - 1] as string;
    const existing = node[last];
    node[last] = existing === undefined ? value : Array.isArray(existing) ? [...(existing as unknown[]), value] : [existing, value];
  }
  return root;
}

function typed(field: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => typed(field, item));
  return INTEGER_FIELDS.has(field) && typeof value === 'string' ? Number.parseInt(value, 10) : value;
}

/**
 * Builds the query for an entries request. `forcedType` is the model of `/entries/<type>.json`.
 * `now` is the site's clock, for the default 4-day window.
 */
export function parseEntriesQuery(search: string, now: number, forcedType?: string): EntriesQuery {
  const params = parseNested(search);
  const rawCount = params.count;
  let count = 10;
  if (rawCount !== undefined && rawCount !== '') {
    if (typeof rawCount !== 'string' || !/^\s*\d+\s*$/.test(rawCount) || Number(rawCount) < 1) {
      throw new QueryError(`count must be a positive whole number, got ${JSON.stringify(rawCount)}`);
    }
    count = Number(rawCount);
  }
  const conditions: Condition[] = [];
  const find = params.find;
  if (typeof find === 'object' && find !== null && !Array.isArray(find)) {
    for (const [field, spec] of Object.entries(find as Nested)) {
      if (field === 'type' && forcedType !== undefined) continue;
      if (typeof spec === 'object' && spec !== null && !Array.isArray(spec)) {
        for (const [op, value] of Object.entries(spec as Nested)) {
          if (!OPERATORS.has(op)) throw new QueryError(`unsupported operator ${op} on find[${field}]`);
          const list = op === '$in' || op === '$nin';
          conditions.push({ field, op: op as Operator, value: typed(field, list && !Array.isArray(value) ? [value] : value) });
        }
      } else {
        conditions.push({ field, op: '$eq', value: typed(field, spec) });
      }
    }
  }
  if (forcedType !== undefined) conditions.push({ field: 'type', op: '$eq', value: forcedType });
  if (!conditions.some((condition) => condition.field === 'date' || condition.field === 'dateString' || condition.field === '_id')) {
    conditions.push({ field: 'date', op: '$gte', value: now - DEFAULT_WINDOW_MS });
  }
  return { count, conditions };
}

/** MongoDB-style ordering of two scalars; `undefined` when they are not comparable. */
function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) || Number.isNaN(b) ? undefined : a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function equals(a: unknown, b: unknown): boolean {
  return compare(a, b) === 0 || (a === b && a !== undefined);
}

export function matches(entry: ServedEntry, condition: Condition): boolean {
  const actual = entry[condition.field];
  const { value } = condition;
  switch (condition.op) {
    case '$eq':
      return equals(actual, value);
    case '$ne':
      return !equals(actual, value);
    case '$in':
      return (value as unknown[]).some((item) => equals(actual, item));
    case '$nin':
      return !(value as unknown[]).some((item) => equals(actual, item));
    default: {
      const order = compare(actual, value);
      if (order === undefined) return false;
      if (condition.op === '$gt') return order > 0;
      if (condition.op === '$gte') return order >= 0;
      if (condition.op === '$lt') return order < 0;
      return order <= 0;
    }
  }
}

/** First index in `entries` (sorted by date descending) whose date passes `test`, assuming monotone. */
function firstIndex(entries: readonly ServedEntry[], test: (date: number) => boolean): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (test((entries[middle] as ServedEntry).date)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * Indices of the entries answering `query`, newest first, at most `count`. `entries` must be
 * sorted by `date` descending; numeric `date` bounds are found by binary search.
 */
export function selectEntries(entries: readonly ServedEntry[], query: EntriesQuery): number[] {
  let start = 0;
  let stop = entries.length;
  for (const condition of query.conditions) {
    if (condition.field !== 'date' || typeof condition.value !== 'number') continue;
    const bound = condition.value;
    if (Number.isNaN(bound)) return [];
    const op = condition.op;
    if (op === '$lte' || op === '$eq') start = Math.max(start, firstIndex(entries, (date) => date <= bound));
    if (op === '$lt') start = Math.max(start, firstIndex(entries, (date) => date < bound));
    if (op === '$gte' || op === '$eq') stop = Math.min(stop, firstIndex(entries, (date) => date < bound));
    if (op === '$gt') stop = Math.min(stop, firstIndex(entries, (date) => date <= bound));
  }
  const selected: number[] = [];
  for (let index = start; index < stop && selected.length < query.count; index++) {
    const entry = entries[index] as ServedEntry;
    if (query.conditions.every((condition) => matches(entry, condition))) selected.push(index);
  }
  return selected;
}
