/**
 * GX's column-map arithmetic: success with `mostly`, and the SUMMARY `result` fields
 * (`_format_map_output`): percentages of all rows, and `unexpected_percent` of the non-missing ones.
 */
import type { ExpectationResultDetails } from '../types.js';
import type { SampleMode } from './check.js';

/** Most values `partial_unexpected_list` holds. */
export const PARTIAL_UNEXPECTED_COUNT = 20;

export interface MapCounts {
  /** All rows. */
  element: number;
  /** Rows that count (non-missing, not ignored); undefined for the null checks, whose denominator is every row. */
  considered: number | undefined;
  unexpected: number;
}

/** At least `mostly` of the considered rows are expected; vacuously true when no row counts (as GX). */
export function mapSuccess(counts: MapCounts, mostly: unknown): boolean {
  const denominator = counts.considered ?? counts.element;
  if (denominator === 0) return true;
  const threshold = typeof mostly === 'number' ? mostly : 1;
  return (denominator - counts.unexpected) / denominator >= threshold;
}

export function mapResult(counts: MapCounts, partial: unknown[]): ExpectationResultDetails {
  const { element, considered, unexpected } = counts;
  const partialList = partial.slice(0, PARTIAL_UNEXPECTED_COUNT);
  if (considered === undefined) {
    const percent = element > 0 ? (unexpected / element) * 100 : null;
    return {
      element_count: element,
      unexpected_count: unexpected,
      unexpected_percent: percent,
      partial_unexpected_list: partialList,
    };
  }
  const missing = element - considered;
  const nonmissingPercent = element > 0 && considered > 0 ? (unexpected / considered) * 100 : null;
  return {
    element_count: element,
    unexpected_count: unexpected,
    unexpected_percent: nonmissingPercent,
    partial_unexpected_list: partialList,
    missing_count: missing,
    missing_percent: element > 0 ? (missing / element) * 100 : null,
    unexpected_percent_total: element > 0 ? (unexpected / element) * 100 : null,
    unexpected_percent_nonmissing: nonmissingPercent,
  };
}

/** Whether to fetch unexpected values for an expectation with these counts. */
export function wantsSamples(mode: SampleMode, success: boolean, unexpected: number): boolean {
  return unexpected > 0 && (mode === 'all' || (mode === 'failing' && !success));
}

/** Sample rows (a value and how many rows have it) as a list of at most 20 values. */
export function expandSamples(samples: readonly { value: unknown; rows: number }[]): unknown[] {
  const list: unknown[] = [];
  for (const { value, rows } of samples) {
    for (let i = 0; i < rows && list.length < PARTIAL_UNEXPECTED_COUNT; i++) list.push(value);
  }
  return list;
}
