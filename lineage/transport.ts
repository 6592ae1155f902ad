/**
 * How events leave the process. Mirrors the Python client's `Transport`: `emit` sends one event
 * or throws; `close` releases resources. Transports do not validate or spool: `LineageEmitter`
 * does that around them.
 */
import type { LineageEvent } from './model.js';

export interface EmitOptions {
  /** Aborts the delivery (and its retries) when the caller's time is up. */
  signal?: AbortSignal;
}

export interface Transport {
  /** Delivers one event; rejects when it could not (after the transport's own retries). */
  emit(event: LineageEvent, options?: EmitOptions): Promise<void>;
  /** Sends anything held back (e.g. a spool) when the transport can. */
  flush?(): Promise<void>;
  close?(): Promise<void>;
}

/** Why a delivery failed, and whether trying the same event again later could succeed. */
export class LineageTransportError extends Error {
  /**
   * Set when requests with this event may still be in flight (a request that timed out on this side is left to
   * finish): resolves once they have all ended, to true if one of them was accepted after all. Until then the
   * receiver may still apply the event, so a later event of the same run must wait.
   */
  readonly settled?: Promise<boolean>;

  constructor(
    message: string,
    /** False when the receiver rejected the event itself (HTTP 400, 401, 403, 404, 422): resending cannot help. */
    readonly retryable: boolean,
    /** HTTP status, when there was a response. */
    readonly status?: number,
    options?: { cause?: unknown; settled?: Promise<boolean> },
  ) {
    super(message, options);
    this.name = 'LineageTransportError';
    if (options?.settled) this.settled = options.settled;
  }
}

/** Whether an error from a transport may pass if the event is sent again later. */
export function isRetryableDeliveryError(error: unknown): boolean {
  return !(error instanceof LineageTransportError) || error.retryable;
}
