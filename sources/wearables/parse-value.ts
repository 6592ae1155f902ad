/**
 * One cell of a Fitbit export, read as its column's kind (`ValueKind` in `fitbit-exports.ts`). Days and timestamps
 * come out as ISO text ('2016-04-12', '2016-04-12 13:00:00') for DuckDB to cast; numbers as numbers.
 */
import { ACCEPTED_DATE_FORMATS, parseLocalDateTime } from './dates.js';
import type { ValueKind } from './fitbit-exports.js';

export type ParsedValue = string | number;

/** The value, or why the (trimmed, non-empty) text is not one. */
export type ParseResult = { readonly ok: true; readonly value: ParsedValue } | { readonly ok: false; readonly problem: string };

const WHOLE = /^\+?\d+$/;
const DECIMAL = /^\+?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const LARGEST_COUNT = 2_147_483_647; // stored as INTEGER

export function parseValue(kind: ValueKind, text: string): ParseResult {
  switch (kind) {
    case 'id':
      return { ok: true, value: text };
    case 'count': {
      if (!WHOLE.test(text)) return { ok: false, problem: 'is not a whole number ≥ 0' };
      const value = Number(text);
      return value > LARGEST_COUNT ? { ok: false, problem: `is larger than ${LARGEST_COUNT}` } : { ok: true, value };
    }
    case 'decimal':
      return DECIMAL.test(text) && Number.isFinite(Number(text))
        ? { ok: true, value: Number(text) }
        : { ok: false, problem: 'is not a number ≥ 0' };
    case 'day': {
      const parsed = parseLocalDateTime(text);
      if (!parsed) return { ok: false, problem: `is not a date (expected ${ACCEPTED_DATE_FORMATS})` };
      if (parsed.time !== '00:00:00') return { ok: false, problem: 'is a day column but has a time of day other than midnight' };
      return { ok: true, value: parsed.date };
    }
    case 'timestamp': {
      const parsed = parseLocalDateTime(text);
      if (!parsed) return { ok: false, problem: `is not a date and time (expected ${ACCEPTED_DATE_FORMATS})` };
      return { ok: true, value: `${parsed.date} ${parsed.time}` };
    }
  }
}
