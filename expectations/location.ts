/** Errors about one expectation of a suite, located as `file:line: /expectations/3/kwargs/column (type): …`. */
import { InvalidDocumentError } from '../framework/errors.js';
import type { Expectation } from './types.js';

export function expectationError(expectation: Expectation, pointerSuffix: string, message: string): InvalidDocumentError {
  const { source, pointer, line } = expectation.location;
  const at = `${source}${line === undefined ? '' : `:${line}`}`;
  return new InvalidDocumentError(`${at}: ${pointer}${pointerSuffix} (${expectation.declaredType}) ${message}`);
}
