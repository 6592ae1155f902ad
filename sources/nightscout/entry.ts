/**
 * The Nightscout `entries` record: its JSON Schema, validation and normalisation.
 *
 * Nightscout API v1 (`/api/v1/entries.json`) returns documents straight out of MongoDB. Every
 * document has `_id`, `date` (epoch ms of the reading) and `type` (`sgv`, `mbg`, `cal`, …); the
 * rest depends on the uploader. MongoDB exports add extended-JSON wrappers (`{"$oid": …}`,
 * `{"$numberLong": …}`) and often print `date` as a float (`1.557405318571e+12`).
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { InvalidDataError } from '../../framework/errors.js';

/** One normalised Nightscout entry. Only `_id`, `type` and `date` are guaranteed. */
export interface NightscoutEntry {
  /** MongoDB ObjectId as 24 hex characters (or whatever string id the site uses). */
  _id: string;
  /** `sgv` (sensor glucose), `mbg` (finger stick), `cal` (calibration), … */
  type: string;
  /** Sensor glucose in mg/dL; Dexcom sends 39 for LOW and 401 for HIGH, 1–12 for error codes. */
  sgv?: number;
  /** Meter (finger-stick) glucose in mg/dL, on `mbg` entries. */
  mbg?: number;
  /** Time of the reading, epoch milliseconds (integer). */
  date: number;
  dateString?: string;
  /** Dexcom trend 0–9 (1 DoubleUp … 7 DoubleDown, 8 NOT COMPUTABLE, 9 RATE OUT OF RANGE). */
  trend?: number;
  direction?: string;
  device?: string;
  /** Uploader's UTC offset in minutes. */
  utcOffset?: number;
  sysTime?: string;
  /** Sensor noise level as reported by the uploader (xDrip: 1 clean … 4 heavy). */
  noise?: number;
}

const numeric = {
  anyOf: [{ type: 'number' }, { type: 'string', pattern: '^\\s*-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?\\s*$' }, { type: 'null' }],
};
const optionalString = { type: ['string', 'null'] };
const mongoNumber = (key: string) => ({
  type: 'object',
  required: [key],
  properties: { [key]: { type: 'string', pattern: '^-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?$' } },
});

/** JSON Schema (draft 2020-12 subset understood by ajv) of one raw entry as a site or a MongoDB export returns it. */
export const rawEntrySchema = {
  type: 'object',
  required: ['_id', 'date', 'type'],
  properties: {
    _id: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'object', required: ['$oid'], properties: { $oid: { type: 'string', minLength: 1 } } },
      ],
    },
    date: {
      anyOf: [
        { type: 'number' },
        mongoNumber('$numberLong'),
        mongoNumber('$numberDouble'),
        mongoNumber('$numberInt'),
      ],
    },
    type: { type: 'string', minLength: 1 },
    sgv: numeric,
    mbg: numeric,
    trend: numeric,
    utcOffset: numeric,
    noise: numeric,
    dateString: optionalString,
    direction: optionalString,
    device: optionalString,
    sysTime: optionalString,
  },
} as const;

/** What each validated field must be, for error messages. */
const EXPECTED: Record<string, string> = {
  _id: 'a string or {"$oid": "…"}',
  date: 'a number (epoch milliseconds)',
  type: 'a non-empty string',
  sgv: 'a number',
  mbg: 'a number',
  trend: 'a number',
  utcOffset: 'a number (minutes)',
  noise: 'a number',
  dateString: 'a string',
  direction: 'a string',
  device: 'a string',
  sysTime: 'a string',
};

let validator: ValidateFunction | undefined;

function arrayValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: false, strict: false }).compile({ type: 'array', items: rawEntrySchema });
  return validator;
}

function preview(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Turns the first ajv error into "entry 17 …: field "sgv" must be a number (got "abc")". */
function describeError(error: ErrorObject, body: unknown[], where: string, label: (index: number) => string): string {
  const segments = error.instancePath.split('/').slice(1);
  const index = Number(segments[0]);
  let field = segments[1];
  if (error.keyword === 'required' && segments.length === 1) {
    field = String((error.params as { missingProperty?: string }).missingProperty);
  }
  if (field === undefined) {
    return `${label(index)} in ${where} is not an object (got ${preview(body[index])})`;
  }
  const element = body[index] as Record<string, unknown>;
  const expected = EXPECTED[field] ?? 'valid';
  return `${label(index)} in ${where} has an invalid field "${field}": must be ${expected} (got ${preview(element[field])})`;
}

function toNumber(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  const wrapped = value as { $numberLong?: string; $numberDouble?: string; $numberInt?: string };
  return Number(wrapped.$numberLong ?? wrapped.$numberDouble ?? wrapped.$numberInt);
}

/** The `_id` as a string: `{"$oid": "…"}` unwrapped. */
export function normaliseId(id: unknown): string {
  return typeof id === 'string' ? id : String((id as { $oid: string }).$oid);
}

/** `date` as an integer epoch-ms number: floats rounded, extended-JSON numbers unwrapped. */
export function normaliseDate(date: unknown): number {
  return Math.round(toNumber(date) ?? Number.NaN);
}

/** Normalises one entry that already passed {@link rawEntrySchema}. Unknown fields are dropped. */
export function normaliseEntry(raw: Record<string, unknown>): NightscoutEntry {
  const entry: NightscoutEntry = { _id: normaliseId(raw._id), type: raw.type as string, date: normaliseDate(raw.date) };
  const sgv = toNumber(raw.sgv);
  if (sgv !== undefined) entry.sgv = sgv;
  const mbg = toNumber(raw.mbg);
  if (mbg !== undefined) entry.mbg = mbg;
  if (typeof raw.dateString === 'string') entry.dateString = raw.dateString;
  const trend = toNumber(raw.trend);
  if (trend !== undefined) entry.trend = trend;
  if (typeof raw.direction === 'string') entry.direction = raw.direction;
  if (typeof raw.device === 'string') entry.device = raw.device;
  const utcOffset = toNumber(raw.utcOffset);
  if (utcOffset !== undefined) entry.utcOffset = utcOffset;
  if (typeof raw.sysTime === 'string') entry.sysTime = raw.sysTime;
  const noise = toNumber(raw.noise);
  if (noise !== undefined) entry.noise = noise;
  return entry;
}

/**
 * Checks that `body` is an array of entries and that every element passes {@link rawEntrySchema}.
 * Throws `InvalidDataError` naming `where` (a page URL or a file), the element and the field.
 */
export function assertRawEntries(
  body: unknown,
  where: string,
  label: (index: number) => string = (index) => `entry ${index}`,
): asserts body is Record<string, unknown>[] {
  if (!Array.isArray(body)) {
    const kind = body === null ? 'null' : typeof body;
    throw new InvalidDataError(
      `expected a JSON array of Nightscout entries from ${where}, got ${kind === 'object' ? 'an object' : kind} (${preview(body)})`,
    );
  }
  const validate = arrayValidator();
  if (!validate(body)) {
    const errors = validate.errors ?? [];
    // With anyOf, ajv reports the branch errors first and the anyOf summary last; all share the path prefix.
    const error = errors[errors.length - 1];
    throw new InvalidDataError(error ? describeError(error, body, where, label) : `invalid entries in ${where}`);
  }
  for (let index = 0; index < body.length; index++) {
    const date = normaliseDate((body[index] as Record<string, unknown>).date);
    if (!Number.isFinite(date)) {
      throw new InvalidDataError(
        `${label(index)} in ${where} has an invalid field "date": must be ${EXPECTED.date} (got ${preview((body[index] as Record<string, unknown>).date)})`,
      );
    }
  }
}

/** Validates and normalises a page (or file) of entries; see {@link assertRawEntries}. */
export function parseEntries(body: unknown, where: string, label?: (index: number) => string): NightscoutEntry[] {
  assertRawEntries(body, where, label);
  return body.map(normaliseEntry);
}
