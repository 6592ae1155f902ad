/**
 * Assay's error classes. Each has a stable `type` that crosses the activity boundary as the
 * `ApplicationFailure` type, so retry policies can name it in `nonRetryableErrorTypes`.
 */
export abstract class AssayError extends Error {
  abstract readonly type: string;
  /** Whether retrying the same work could succeed. */
  readonly retryable: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Thrown when an asset declaration is malformed (bad key, bad SQL file path, bad interpolation). */
export class AssetDefinitionError extends AssayError {
  readonly type = 'AssetDefinitionError';
}

/** Thrown when definitions do not form a valid graph: duplicate key, unknown dependency, cycle. */
export class AssetGraphError extends AssayError {
  readonly type = 'AssetGraphError';
}

/** Thrown when a selection string cannot be parsed or names nothing known. */
export class SelectionError extends AssayError {
  readonly type = 'SelectionError';
  constructor(
    message: string,
    /** Zero-based character offset of the offending token in the selection string. */
    readonly position?: number,
  ) {
    super(message);
  }
}

/** Thrown when an asset's SQL fails to parse, bind or run. */
export class SqlError extends AssayError {
  readonly type = 'SqlError';
}

/** Thrown when input data is invalid (wrong shape, out-of-range values, unreadable files). */
export class InvalidDataError extends AssayError {
  readonly type = 'InvalidDataError';
}

/** Thrown when a JSON document (config, suite, event) fails its JSON Schema. */
export class InvalidDocumentError extends AssayError {
  readonly type = 'InvalidDocumentError';
}

/** Thrown when an external source fails in a way that may pass (HTTP 5xx, 429, time-out, connection reset). */
export class SourceUnavailableError extends AssayError {
  readonly type = 'SourceUnavailableError';
  override readonly retryable = true;
}

/** Thrown when an external source rejects the request for good (HTTP 401/403/404, non-JSON body). */
export class SourceRequestError extends AssayError {
  readonly type = 'SourceRequestError';
}

/** Thrown when an error-level expectation fails: the data is quarantined, not published. */
export class ExpectationFailedError extends AssayError {
  readonly type = 'ExpectationFailedError';
}

/** Error types that no retry can fix. */
export const NON_RETRYABLE_ERROR_TYPES = [
  'AssetDefinitionError',
  'AssetGraphError',
  'SelectionError',
  'SqlError',
  'InvalidDataError',
  'InvalidDocumentError',
  'SourceRequestError',
  'ExpectationFailedError',
  'UpstreamMissingError',
  'PartitionError',
] as const;

/** Thrown when a partition key is malformed, out of range, in the future, or not one of an asset's partitions. */
export class PartitionError extends AssayError {
  readonly type = 'PartitionError';
}

/** Thrown when an asset reads an upstream asset that has never been published. */
export class UpstreamMissingError extends AssayError {
  readonly type = 'UpstreamMissingError';
}
