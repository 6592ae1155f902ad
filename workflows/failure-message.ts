import { ActivityFailure, ChildWorkflowFailure } from '@temporalio/common';

/** The message of the failure that explains a chain: what is under the child-workflow and activity wrappers. */
export function rootMessage(err: unknown): string {
  let current: unknown = err;
  while (
    (current instanceof ChildWorkflowFailure || current instanceof ActivityFailure || isWorkflowFailedError(current)) &&
    current.cause
  ) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}

function isWorkflowFailedError(err: unknown): err is Error & { cause?: unknown } {
  return err instanceof Error && err.name === 'WorkflowFailedError';
}
