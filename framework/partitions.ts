/**
 * Partitions: an asset split into independently materialized slices, each published in a folder of its own
 * (`lake/<layer>/<key>/<dimension>=<partition key>/data.parquet`).
 *
 * ```ts
 * const days = dailyPartitions({ start: '2024-01-01', timezone: 'Europe/Berlin' });   // keys 2024-01-01, …
 * defineAsset({ key: 'daily_totals', partitions: days, compute: sql`…` });
 * defineAsset({ key: 'subjects', partitions: staticPartitions(['alice', 'bob'], { dimension: 'subject' }), … });
 * ```
 *
 * A time partition's window is `[start, end)` in its time zone, so a daily partition on a DST change has 23 or 25
 * hours. Keys: daily and weekly `yyyy-MM-dd` (weeks start on Monday), hourly `yyyy-MM-dd-HH:mm`, monthly `yyyy-MM`.
 */
import { DateTime, IANAZone } from 'luxon';
import { AssetDefinitionError, PartitionError } from './errors.js';

export type Cadence = 'hourly' | 'daily' | 'weekly' | 'monthly';

export interface TimePartitions {
  readonly kind: 'time';
  readonly cadence: Cadence;
  /** Key of the first partition. */
  readonly start: string;
  /** Key of the last partition, if the range ends. */
  readonly end?: string;
  /** IANA time zone the windows are in (`UTC`, `Europe/Berlin`). */
  readonly timezone: string;
  /** The folder name of a partition: `<dimension>=<key>`. */
  readonly dimension: string;
}

export interface StaticPartitions {
  readonly kind: 'static';
  readonly keys: readonly string[];
  readonly dimension: string;
}

export type PartitionsDefinition = TimePartitions | StaticPartitions;

/** How a partition of an asset reads a partitioned upstream asset. */
export type PartitionMapping =
  /** The upstream partition with the same key (the default between two assets partitioned alike). */
  | { readonly kind: 'identity' }
  /**
   * The upstream partitions `key + startOffset … key + endOffset` (time partitions), those before its start left out.
   * The ones before `key` (a look-back) are read if published: a day not published yet counts as a day without data.
   */
  | { readonly kind: 'window'; readonly startOffset: number; readonly endOffset: number }
  /** Every published partition (the default for an unpartitioned asset). */
  | { readonly kind: 'all' };

const FORMAT: Record<Cadence, string> = { hourly: "yyyy-MM-dd-HH':'mm", daily: 'yyyy-MM-dd', weekly: 'yyyy-MM-dd', monthly: 'yyyy-MM' };
const UNIT: Record<Cadence, 'hours' | 'days' | 'weeks' | 'months'> = { hourly: 'hours', daily: 'days', weekly: 'weeks', monthly: 'months' };
const DIMENSION: Record<Cadence, string> = { hourly: 'hour', daily: 'date', weekly: 'week', monthly: 'month' };
const DIMENSION_NAME = /^[a-z_][a-z0-9_]*$/;

export interface TimePartitionsOptions {
  /** First partition, e.g. `2024-01-01` (daily, weekly: a Monday), `2024-01-01-00:00` (hourly), `2024-01` (monthly). */
  start: string;
  end?: string;
  /** Default `UTC`. */
  timezone?: string;
  /** Default `date` (daily), `hour`, `week` or `month`. */
  dimension?: string;
}

export function hourlyPartitions(options: TimePartitionsOptions): TimePartitions {
  return timePartitions('hourly', options);
}
export function dailyPartitions(options: TimePartitionsOptions): TimePartitions {
  return timePartitions('daily', options);
}
export function weeklyPartitions(options: TimePartitionsOptions): TimePartitions {
  return timePartitions('weekly', options);
}
export function monthlyPartitions(options: TimePartitionsOptions): TimePartitions {
  return timePartitions('monthly', options);
}

/** A fixed set of keys, e.g. subject ids: `staticPartitions(['alice', 'bob'], { dimension: 'subject' })`. */
export function staticPartitions(keys: readonly string[], options: { dimension?: string } = {}): StaticPartitions {
  const dimension = checkDimension(options.dimension ?? 'partition');
  if (keys.length === 0) throw new AssetDefinitionError('staticPartitions needs at least one key');
  for (const key of keys) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(key)) {
      throw new AssetDefinitionError(
        `static partition key '${key}' is invalid: use letters, digits, '_', '.' and '-', starting with a letter or digit`,
      );
    }
  }
  if (new Set(keys).size !== keys.length) throw new AssetDefinitionError(`static partition keys repeat: ${keys.join(', ')}`);
  return Object.freeze({ kind: 'static', keys: Object.freeze([...keys]), dimension });
}

/** The same key upstream. */
export function identityMapping(): PartitionMapping {
  return { kind: 'identity' };
}
/** Upstream keys from `key + startOffset` to `key + endOffset`, e.g. `windowMapping({ startOffset: -6 })`: 7 days. */
export function windowMapping(options: { startOffset: number; endOffset?: number }): PartitionMapping {
  const endOffset = options.endOffset ?? 0;
  if (!Number.isInteger(options.startOffset) || !Number.isInteger(endOffset) || options.startOffset > endOffset) {
    throw new AssetDefinitionError(
      `windowMapping needs whole-number offsets with startOffset ≤ endOffset, got ${options.startOffset} … ${endOffset}`,
    );
  }
  return { kind: 'window', startOffset: options.startOffset, endOffset };
}
/** Every published partition upstream. */
export function allPartitionsMapping(): PartitionMapping {
  return { kind: 'all' };
}

function timePartitions(cadence: Cadence, options: TimePartitionsOptions): TimePartitions {
  const timezone = options.timezone ?? 'UTC';
  if (!IANAZone.isValidZone(timezone)) {
    throw new AssetDefinitionError(`time zone '${timezone}' is not an IANA time zone (e.g. UTC, Europe/Berlin)`);
  }
  const definition: TimePartitions = {
    kind: 'time',
    cadence,
    start: options.start,
    ...(options.end === undefined ? {} : { end: options.end }),
    timezone,
    dimension: checkDimension(options.dimension ?? DIMENSION[cadence]),
  };
  const start = parseKey(definition, options.start, AssetDefinitionError);
  if (options.end !== undefined && parseKey(definition, options.end, AssetDefinitionError) < start) {
    throw new AssetDefinitionError(`${cadence} partitions end (${options.end}) before they start (${options.start})`);
  }
  return Object.freeze(definition);
}

function checkDimension(name: string): string {
  if (!DIMENSION_NAME.test(name)) {
    throw new AssetDefinitionError(`partition dimension '${name}' is invalid: use lower-case letters, digits and '_'`);
  }
  return name;
}

function describeFormat(definition: TimePartitions): string {
  return { hourly: 'YYYY-MM-DD-HH:MM', daily: 'YYYY-MM-DD', weekly: 'YYYY-MM-DD (a Monday)', monthly: 'YYYY-MM' }[definition.cadence];
}

/** The start of a time partition as a zoned date-time; throws `error` (prefixed by `what`) for a key that is not one. */
function parseKey(
  definition: TimePartitions,
  key: string,
  error: new (message: string) => Error = PartitionError,
  what?: string,
): DateTime {
  const parsed = DateTime.fromFormat(key, FORMAT[definition.cadence], { zone: definition.timezone });
  const valid =
    parsed.isValid &&
    parsed.toFormat(FORMAT[definition.cadence]) === key &&
    (definition.cadence !== 'weekly' || parsed.weekday === 1);
  if (!valid) {
    throw new error(
      `${what ? `${what}: ` : ''}'${shown(key)}' is not a ${definition.cadence} partition key: expected ${describeFormat(definition)}`,
    );
  }
  // A local midnight that DST skips (some zones change at 00:00) starts at the first instant after it.
  return parsed.startOf(definition.cadence === 'hourly' ? 'hour' : 'day');
}

function shown(key: string): string {
  const visible = key.replace(/[^\x20-\x7e]/g, '?');
  return visible.length > 40 ? `${visible.slice(0, 37)}...` : visible;
}

function keyOf(definition: TimePartitions, at: DateTime): string {
  return at.toFormat(FORMAT[definition.cadence]);
}

/** `[start, end)` of a time partition, as instants. */
export function partitionWindow(definition: TimePartitions, key: string): { start: Date; end: Date } {
  const start = parseKey(definition, key);
  return { start: start.toJSDate(), end: start.plus({ [UNIT[definition.cadence]]: 1 }).toJSDate() };
}

/** The key `offset` partitions after (or before) `key`, or undefined when that is outside the definition's range. */
export function shiftPartition(definition: PartitionsDefinition, key: string, offset: number): string | undefined {
  if (definition.kind === 'static') {
    const index = definition.keys.indexOf(key) + offset;
    return definition.keys[index];
  }
  const shifted = keyOf(definition, parseKey(definition, key).plus({ [UNIT[definition.cadence]]: offset }));
  const first = parseKey(definition, definition.start);
  const at = parseKey(definition, shifted);
  if (at < first) return undefined;
  if (definition.end !== undefined && at > parseKey(definition, definition.end)) return undefined;
  return shifted;
}

/**
 * Throws a `PartitionError` (what is wrong, what would be right) unless `key` is a partition of the definition
 * that exists at `now`: well formed, not before its start, not after its end, and — for time partitions — begun.
 */
export function checkPartitionKey(definition: PartitionsDefinition, key: string, now: Date, what: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 64) {
    throw new PartitionError(`${what}: a partition key is 1 to 64 characters, got ${typeof key === 'string' ? `${key.length}` : typeof key}`);
  }
  if (definition.kind === 'static') {
    if (!definition.keys.includes(key)) {
      throw new PartitionError(`${what}: '${shown(key)}' is not one of its partitions (${definition.keys.join(', ')})`);
    }
    return;
  }
  const at = parseKey(definition, key, PartitionError, what);
  if (at < parseKey(definition, definition.start)) {
    throw new PartitionError(`${what}: partition ${key} is before the first one (${definition.start})`);
  }
  if (definition.end !== undefined && at > parseKey(definition, definition.end)) {
    throw new PartitionError(`${what}: partition ${key} is after the last one (${definition.end})`);
  }
  if (at.toMillis() > now.getTime()) {
    throw new PartitionError(`${what}: partition ${key} has not begun yet (it starts ${at.toISO()})`);
  }
}

/** Every key from `from` to `to`, both included, each checked with {@link checkPartitionKey}. */
export function partitionKeysBetween(definition: PartitionsDefinition, from: string, to: string, now: Date, what: string): string[] {
  checkPartitionKey(definition, from, now, what);
  checkPartitionKey(definition, to, now, what);
  if (definition.kind === 'static') {
    const [a, b] = [definition.keys.indexOf(from), definition.keys.indexOf(to)];
    if (a > b) throw new PartitionError(`${what}: ${from} comes after ${to}`);
    return definition.keys.slice(a, b + 1);
  }
  const keys: string[] = [];
  const last = parseKey(definition, to);
  let at = parseKey(definition, from);
  if (at > last) throw new PartitionError(`${what}: ${from} comes after ${to}`);
  for (; at <= last; at = at.plus({ [UNIT[definition.cadence]]: 1 })) keys.push(keyOf(definition, at));
  return keys;
}

/**
 * The partition a run at `nominalTime` is for: the latest one that ended at or before it, in the definition's time
 * zone (a daily schedule at 09:00 UTC on 2026-12-01 → 2026-11-30). Undefined before the first partition ends, and for
 * static partitions.
 */
export function partitionForTime(definition: PartitionsDefinition, nominalTime: Date): string | undefined {
  if (definition.kind === 'static') return undefined;
  const unit = UNIT[definition.cadence];
  const at = DateTime.fromJSDate(nominalTime, { zone: definition.timezone });
  const current = definition.cadence === 'weekly' ? at.startOf('week') : at.startOf(unit.slice(0, -1) as 'hour' | 'day' | 'month');
  const key = keyOf(definition, current.minus({ [unit]: 1 }));
  const keyStart = parseKey(definition, key);
  if (keyStart < parseKey(definition, definition.start)) return undefined;
  if (definition.end !== undefined && keyStart > parseKey(definition, definition.end)) return definition.end;
  return key;
}

/** Whether two definitions have the same keys (so an identity mapping between them holds). */
export function samePartitions(a: PartitionsDefinition, b: PartitionsDefinition): boolean {
  if (a.kind === 'time' && b.kind === 'time') return a.cadence === b.cadence && a.timezone === b.timezone;
  if (a.kind === 'static' && b.kind === 'static') return a.keys.length === b.keys.length && a.keys.every((k, i) => k === b.keys[i]);
  return false;
}
