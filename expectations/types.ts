/**
 * The shapes of suites (as loaded) and of validation results (Great Expectations' result document, with
 * Assay's additions: per-result `severity` and `suite_name`, top-level `meta.suite_names` and `meta.scans`).
 * `results.schema.json` is the JSON Schema of `ValidationResult`.
 */
import type { ExpectationType } from './catalog.js';

/** `error` blocks publication (the data is quarantined); `warn` is reported only. */
export type Severity = 'error' | 'warn';

/** `gx0`: legacy 0.x suite (`expectation_suite_name`, `expectation_type`); `gx1`: GX 1.x (`name`, `type`). */
export type SuiteFormat = 'gx0' | 'gx1';

/** Where an expectation was declared: the suite file, the JSON pointer of the expectation, its line if known. */
export interface ExpectationLocation {
  readonly source: string;
  readonly pointer: string;
  readonly line: number | undefined;
}

export interface Expectation {
  /** The canonical type name (GX 1.x spelling). */
  readonly type: ExpectationType;
  /** The type name as the suite wrote it (legacy suites spell `…_A_to_be_greater_than_B`). */
  readonly declaredType: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly severity: Severity;
  readonly id: string | undefined;
  readonly location: ExpectationLocation;
}

export interface Suite {
  readonly name: string;
  readonly format: SuiteFormat;
  /** The file the suite was read from (or the `source` label given to `parseSuite`). */
  readonly source: string;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly expectations: readonly Expectation[];
}

/** The expectation as GX echoes it in a result. */
export interface ExpectationConfig {
  type: string;
  kwargs: Record<string, unknown>;
  meta: Record<string, unknown>;
  id?: string;
}

/**
 * GX's `result` object (format SUMMARY). Column-map expectations fill the counts (percentages are of
 * `element_count`, or of the non-missing values for `unexpected_percent`); aggregate and table expectations
 * fill `observed_value`. `not_be_null` / `be_null` omit the `missing_*` fields, as GX does.
 */
export interface ExpectationResultDetails {
  element_count?: number;
  missing_count?: number;
  missing_percent?: number | null;
  unexpected_count?: number;
  unexpected_percent?: number | null;
  unexpected_percent_total?: number | null;
  unexpected_percent_nonmissing?: number | null;
  /** At most 20 unexpected values (for column pairs `[a, b]`, for compound columns `{column: value}`). */
  partial_unexpected_list?: unknown[];
  observed_value?: unknown;
  details?: Record<string, unknown>;
}

export interface ExpectationResult {
  success: boolean;
  expectation_config: ExpectationConfig;
  result: ExpectationResultDetails;
  /** Assay: the expectation's severity. */
  severity: Severity;
  /** Assay: the name of the suite the expectation belongs to. */
  suite_name: string;
}

export interface ValidationStatistics {
  evaluated_expectations: number;
  successful_expectations: number;
  unsuccessful_expectations: number;
  /** Null when nothing was evaluated, as in GX. */
  success_percent: number | null;
}

export interface ValidationMeta {
  suite_names: string[];
  /** The SQL table expression that was validated. */
  relation: string;
  /** Queries run over the data: 0 (schema-only suites), 1 (aggregate query) or 2 (plus the follow-up query). */
  scans: number;
  validation_time: string;
  duration_ms: number;
}

export interface ValidationResult {
  /** True when every expectation passed, whatever its severity (GX semantics); see `errorFailures`. */
  success: boolean;
  statistics: ValidationStatistics;
  results: ExpectationResult[];
  meta: ValidationMeta;
}
