/**
 * HTTP transport: POSTs each event as JSON to `${url}${endpoint}` (Marquez: `/api/v1/lineage`), like the
 * Python client's `HttpTransport`, with its defaults (`openlineage/client/transport/http.py` and
 * `http_common.py`): a 5 s time-out per attempt, 5 retries, `backoff_factor` 0.3 with urllib3's schedule
 * (no wait before the first retry, then 0.6, 1.2, 2.4, 4.8 s), and `status_forcelist` 500, 502, 503, 504.
 * Assay also retries 408, 425 and 429 (urllib3 retries 429 only when the answer carries `Retry-After`; Assay
 * honours `Retry-After` too), connection errors and time-outs; other answers are final. Redirects are refused
 * rather than followed (a 301/302/303 would turn the POST into a GET).
 *
 * Two differences, both from how Marquez behaves (`/work/shared/MARQUEZ.md`):
 * - Marquez answers malformed JSON or an unparseable `eventTime` with HTTP 500 and a body `{"code":400,…}`: that
 *   is a bad event, final, not retried;
 * - Marquez answers only after its database write, and applies an event whose client gave up waiting. So a
 *   request that times out is not abandoned: it stays open (at most `settleTimeoutMs`) while the retry goes out,
 *   its late 201 still counts, and `emit` resolves only once every request with the event has ended. When all
 *   attempts fail, the error's `settled` promise says when the open ones have ended and whether one succeeded:
 *   until then the receiver may still apply the event, and a later event of the same run must not overtake it.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { InvalidDocumentError } from '../../framework/errors.js';
import type { LineageEvent } from '../model.js';
import type { EmitOptions, Transport } from '../transport.js';
import { LineageTransportError } from '../transport.js';

const gzipAsync = promisify(gzip);

export const DEFAULT_HTTP_ENDPOINT = '/api/v1/lineage';
/** The Python client's `timeout` (5.0 s). */
export const DEFAULT_HTTP_TIMEOUT_MS = 5_000;
/** The Python client's `retry.total` (5). */
export const DEFAULT_HTTP_RETRIES = 5;
/** The Python client's `retry.backoff_factor` (0.3 s). */
export const DEFAULT_HTTP_BACKOFF_MS = 300;
/** urllib3's `Retry.DEFAULT_BACKOFF_MAX` (120 s). */
export const DEFAULT_HTTP_MAX_BACKOFF_MS = 120_000;
/** The Python client's `retry.status_forcelist`, and 408, 425, 429. */
export const DEFAULT_HTTP_RETRY_STATUSES: readonly number[] = [408, 425, 429, 500, 502, 503, 504];
/** How long a request that timed out is kept open for its late answer. */
export const DEFAULT_HTTP_SETTLE_TIMEOUT_MS = 60_000;

export interface HttpTransportOptions {
  /** Base URL of the backend, e.g. `http://localhost:5000`. */
  url: string;
  /** Path appended to `url`. Default `/api/v1/lineage`. */
  endpoint?: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Extra headers; they win over the defaults (so they can replace `Authorization`). */
  headers?: Readonly<Record<string, string>>;
  /** Time to wait for an answer before retrying, ms. Default 5000 (the Python client's 5 s). */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 5 (the Python client's `total`). */
  retries?: number;
  /** urllib3's `backoff_factor`, ms: retry n waits 0 (n = 1), then `backoffMs · 2^(n−1)`. Default 300. */
  backoffMs?: number;
  /** Longest wait between retries, ms. Default 120 000 (urllib3's). */
  maxBackoffMs?: number;
  /** HTTP statuses retried at once. Default 408, 425, 429, 500, 502, 503, 504. */
  retryStatuses?: readonly number[];
  /** Longest life of a request whose answer is late, ms (at least `timeoutMs`). Default 60 000. */
  settleTimeoutMs?: number;
  /** Compress bodies (`Content-Encoding: gzip`); only for a backend that accepts gzip request bodies. */
  compression?: 'gzip';
}

/** Whether an answer may pass if the same event is sent again later (the spool keeps it): 408, 425, 429, 5xx. */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** urllib3's back-off before retry `n` (1-based): none for the first, then `factor · 2^(n−1)`, at most `max`. */
export function retryDelayMs(n: number, backoffMs: number, maxBackoffMs: number): number {
  if (n <= 1) return 0;
  return Math.min(maxBackoffMs, backoffMs * 2 ** (n - 1));
}

/** `url` without trailing slashes + `endpoint` with one leading slash. */
export function lineageUrl(url: string, endpoint: string = DEFAULT_HTTP_ENDPOINT): string {
  const base = url.trim().replace(/\/+$/, '');
  const path = endpoint.trim().replace(/^\/+/, '');
  return path === '' ? base : `${base}/${path}`;
}

/** How one request ended. */
type Outcome =
  | { kind: 'accepted' }
  | { kind: 'failed'; error: LineageTransportError; final: boolean; retryAfterMs?: number };

interface Attempt {
  /** Never rejects. */
  outcome: Promise<Outcome>;
  abort(): void;
}

export class HttpTransport implements Transport {
  readonly target: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly retryStatuses: ReadonlySet<number>;
  private readonly settleTimeoutMs: number;
  private readonly compression: 'gzip' | undefined;

  constructor(options: HttpTransportOptions) {
    this.target = lineageUrl(options.url, options.endpoint);
    let parsed: URL;
    try {
      parsed = new URL(this.target);
    } catch {
      throw new InvalidDocumentError(`lineage URL '${this.target}' is not a valid URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new InvalidDocumentError(`lineage URL '${this.target}' must use http or https`);
    }
    this.compression = options.compression;
    this.headers = {
      'Content-Type': 'application/json',
      ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}),
      ...(this.compression === 'gzip' ? { 'Content-Encoding': 'gzip' } : {}),
      ...options.headers,
    };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
    this.retries = options.retries ?? DEFAULT_HTTP_RETRIES;
    this.backoffMs = options.backoffMs ?? DEFAULT_HTTP_BACKOFF_MS;
    this.maxBackoffMs = options.maxBackoffMs ?? DEFAULT_HTTP_MAX_BACKOFF_MS;
    this.retryStatuses = new Set(options.retryStatuses ?? DEFAULT_HTTP_RETRY_STATUSES);
    this.settleTimeoutMs = Math.max(options.settleTimeoutMs ?? DEFAULT_HTTP_SETTLE_TIMEOUT_MS, this.timeoutMs);
  }

  async emit(event: LineageEvent, options: EmitOptions = {}): Promise<void> {
    const json = JSON.stringify(event);
    const body = this.compression === 'gzip' ? await gzipAsync(json, { level: 3 }) : json;
    const { signal } = options;
    const attempts: Attempt[] = [];
    const abortAll = () => attempts.forEach((a) => a.abort());
    // Resolves when any attempt, even one given up on, is accepted.
    let markAccepted: () => void = () => {};
    const accepted = new Promise<'accepted'>((resolve) => {
      markAccepted = () => resolve('accepted');
    });
    let last: (Outcome & { kind: 'failed' }) | undefined;
    let done = false;

    for (let n = 0; n <= this.retries && !done; n++) {
      if (signal?.aborted) break;
      if (n > 0) {
        const backoff = retryDelayMs(n, this.backoffMs, this.maxBackoffMs);
        const wait = Math.min(this.maxBackoffMs, Math.max(backoff, last?.retryAfterMs ?? 0));
        if ((await raceTimer([accepted], wait, signal)) === 'accepted') {
          done = true;
          break;
        }
        if (signal?.aborted) break;
      }
      const attempt = this.attempt(body, signal);
      attempts.push(attempt);
      void attempt.outcome.then((o) => {
        if (o.kind === 'accepted') markAccepted();
      });
      const result = await raceTimer<Outcome | 'accepted'>([attempt.outcome, accepted], this.timeoutMs, signal);
      if (result === 'accepted' || (typeof result === 'object' && result.kind === 'accepted')) {
        done = true;
      } else if (result === 'timeout') {
        // No answer yet: the request stays open, its late answer still counts.
        last = {
          kind: 'failed',
          final: false,
          error: new LineageTransportError(`no answer from ${this.target} within ${this.timeoutMs} ms`, true),
        };
      } else if (result === 'aborted') {
        break;
      } else {
        last = result;
        if (result.final) {
          abortAll();
          throw result.error;
        }
      }
    }

    if (signal?.aborted && !done) {
      abortAll();
      throw new LineageTransportError(`delivery to ${this.target} was cancelled`, true, undefined, {
        cause: signal.reason,
      });
    }
    const ended = Promise.all(attempts.map((a) => a.outcome));
    if (done) {
      // Every copy of the event must have ended before a later event may be sent.
      await ended;
      return;
    }
    const settled = ended.then((outcomes) => outcomes.some((o) => o.kind === 'accepted'));
    const error = last?.error ?? new LineageTransportError(`delivery to ${this.target} failed`, true);
    throw new LineageTransportError(error.message, error.retryable, error.status, { cause: error.cause, settled });
  }

  /** One POST, alive at most `settleTimeoutMs` (or until the caller aborts). */
  private attempt(body: string | Buffer, callerSignal: AbortSignal | undefined): Attempt {
    const controller = new AbortController();
    const limit = AbortSignal.timeout(this.settleTimeoutMs);
    const signals = [controller.signal, limit, ...(callerSignal ? [callerSignal] : [])];
    const signal = AbortSignal.any(signals);
    const outcome = this.request(body, signal, limit, callerSignal);
    return { outcome, abort: () => controller.abort() };
  }

  private async request(
    body: string | Buffer,
    signal: AbortSignal,
    limit: AbortSignal,
    callerSignal: AbortSignal | undefined,
  ): Promise<Outcome> {
    let response: Response;
    try {
      const init = { method: 'POST', headers: this.headers, body, signal, redirect: 'manual' } as const;
      response = await fetch(this.target, init);
    } catch (err) {
      const message = callerSignal?.aborted
        ? `delivery to ${this.target} was cancelled`
        : limit.aborted
          ? `no answer from ${this.target} within ${this.settleTimeoutMs} ms`
          : signal.aborted
            ? `delivery to ${this.target} was abandoned`
            : `cannot reach ${this.target}: ${describe(err)}`;
      const error = new LineageTransportError(message, true, undefined, { cause: err });
      return { kind: 'failed', final: false, error };
    }
    // Read the body either way so the connection can be reused.
    const text = await response.text().catch(() => '');
    const status = response.status;
    if (status >= 200 && status < 300) return { kind: 'accepted' };
    if (status >= 300 && status < 400) {
      const location = response.headers.get('location');
      const redirect = `redirect${location ? ` to ${location}` : ''}`;
      const error = new LineageTransportError(
        `${this.target} answered HTTP ${status} (${redirect}); set the lineage URL to the final address`,
        false,
        status,
      );
      return { kind: 'failed', final: true, error };
    }
    const detail = text.trim() === '' ? '' : `: ${text.trim().slice(0, 300)}`;
    if (status === 500 && badEventCode(text) !== undefined) {
      // Marquez's answer to malformed JSON or an unparseable eventTime: the event is bad, sending it again cannot help.
      const error = new LineageTransportError(
        `${this.target} answered HTTP 500 for a bad event (code ${badEventCode(text)})${detail}`,
        false,
        status,
      );
      return { kind: 'failed', final: true, error };
    }
    const message = `${this.target} answered HTTP ${status}${detail}`;
    const error = new LineageTransportError(message, isTransientStatus(status), status);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return {
      kind: 'failed',
      final: !this.retryStatuses.has(status),
      error,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
}

/**
 * The first of `promises` to settle, `'timeout'` after `ms`, or `'aborted'` when `signal` fires. Timers never keep
 * the process alive.
 */
async function raceTimer<T>(
  promises: readonly Promise<T>[],
  ms: number,
  signal: AbortSignal | undefined,
): Promise<T | 'timeout' | 'aborted'> {
  if (signal?.aborted) return 'aborted';
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
  });
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([...promises, expired, aborted]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** The `code` of a Marquez error body `{"code":400,…}` when it says the request was bad (4xx). */
function badEventCode(text: string): number | undefined {
  try {
    const body: unknown = JSON.parse(text);
    const code = typeof body === 'object' && body !== null ? (body as { code?: unknown }).code : undefined;
    return typeof code === 'number' && code >= 400 && code < 500 ? code : undefined;
  } catch {
    return undefined;
  }
}

/** `Retry-After` in ms: seconds, or an HTTP date. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
    return typeof code === 'string' ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
