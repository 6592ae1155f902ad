import { ApplicationFailure } from '@temporalio/common';
import { AssayError } from '../framework/errors.js';

/**
 * Runs an activity body so that Assay errors cross the activity boundary with their type and retryability:
 * a bad definition or bad SQL fails at once, a 503 retries.
 */
export async function asActivity<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof AssayError) {
      throw ApplicationFailure.create({
        type: err.type,
        message: err.message,
        nonRetryable: !err.retryable,
        cause: err.cause instanceof Error ? err.cause : undefined,
      });
    }
    throw err;
  }
}
