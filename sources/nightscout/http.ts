/**
 * One JSON GET against a Nightscout site, with a time-out per attempt, retries with exponential
 * back-off and jitter (honouring `Retry-After`), and HTTP failures mapped to Assay errors:
 * - 5xx, 408, 429, time-outs and connection errors are retried; when retries run out they
 *   become `SourceUnavailableError` (retryable by the workflow);
 * - 401/403, 404, other 4xx and non-JSON bodies become `SourceRequestError` at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import { SourceRequestError, SourceUnavailableError } from '../../framework/errors.js';

export interface GetJsonOptions {
  /** Request headers (credentials included). */
  headers: Record<string, string>;
  /** Time-out of one attempt, response body included. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** First back-off delay; doubles per retry, times a random factor in [1, 2). */
  retryMinTimeoutMs: number;
  /** A `Retry-After` longer than this is not waited for: the error is raised at once. */
  maxRetryAfterMs: number;
  signal?: AbortSignal | undefined;
  fetch: typeof fetch;
  /** Message for 401/403. */
  unauthorized: (status: number, detail: string) => string;
  /** Message for 404. */
  notFound: () => string;
}

export interface JsonResponse {
  body: unknown;
  /** Attempts made, the successful one included. */
  attempts: number;
}

export interface JsonTextResponse {
  /** The body, unparsed: a JSON array or object by its first character. */
  text: string;
  attempts: number;
}

/** A failure worth retrying. */
class TransientFailure extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Replaces credentials in a URL (token/secret query values, user info) with `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username) parsed.username = '***';
    if (parsed.password) parsed.password = '***';
    let text = parsed.toString();
    text = text.replace(/([?&](?:token|secret)=)[^&#]*/gi, '$1***');
    return text;
  } catch {
    return url.replace(/([?&](?:token|secret)=)[^&#]*/gi, '$1***');
  }
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function snippet(text: string, length = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

function describeTransport(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `connection failed (${detail})`;
}

async function attempt(url: string, shown: string, options: GetJsonOptions): Promise<string> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const transport = (error: unknown): Error => {
    if (options.signal?.aborted) {
      const reason: unknown = options.signal.reason;
      return new AbortError(reason instanceof Error ? reason : new Error(String(reason)));
    }
    return new TransientFailure(describeTransport(error, options.timeoutMs));
  };
  let response: Response;
  try {
    response = await options.fetch(url, { headers: options.headers, signal, redirect: 'follow' });
  } catch (error) {
    throw transport(error);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw transport(error);
  }
  const status = response.status;
  if (status === 408 || status === 429 || status >= 500) {
    throw new TransientFailure(
      `HTTP ${status}${text ? `: ${snippet(text, 120)}` : ''}`,
      status,
      parseRetryAfter(response.headers.get('retry-after')),
    );
  }
  if (status === 401 || status === 403) {
    throw new AbortError(new SourceRequestError(options.unauthorized(status, snippet(text, 120))));
  }
  if (status === 404) throw new AbortError(new SourceRequestError(options.notFound()));
  if (status < 200 || status >= 300) {
    throw new AbortError(new SourceRequestError(`HTTP ${status} from ${shown}: ${snippet(text) || '(empty body)'}`));
  }
  const contentType = response.headers.get('content-type') ?? '(none)';
  if (/^\s*[[{]/.test(text)) return text;
  throw new AbortError(
    new SourceRequestError(
      `expected JSON from ${shown}, got content-type ${contentType} starting with: ${snippet(text) || '(empty body)'}`,
    ),
  );
}

/** Parses a body that looked like JSON; a truncated or malformed one is a `SourceRequestError` naming the URL. */
export function parseJsonText(text: string, shown: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SourceRequestError(
      `expected JSON from ${shown}, got a body that is not valid JSON (${(err as Error).message}) starting with: ${snippet(text)}`,
    );
  }
}

/** GETs `url` and parses the JSON body. `url` may carry a token; messages show it redacted. */
export async function getJson(url: string, options: GetJsonOptions): Promise<JsonResponse> {
  const { text, attempts } = await getJsonText(url, options);
  return { body: parseJsonText(text, redactUrl(url)), attempts };
}

/** GETs `url` and returns the body unparsed, once it looks like JSON (starts with `[` or `{`). */
export async function getJsonText(url: string, options: GetJsonOptions): Promise<JsonTextResponse> {
  const shown = redactUrl(url);
  let attempts = 0;
  try {
    const text = await pRetry(
      (attemptNumber) => {
        attempts = attemptNumber;
        return attempt(url, shown, options);
      },
      {
        retries: options.retries,
        factor: 2,
        minTimeout: options.retryMinTimeoutMs,
        maxTimeout: Math.max(options.retryMinTimeoutMs, 30_000),
        randomize: true,
        signal: options.signal,
        onFailedAttempt: async ({ error, retriesLeft }) => {
          if (!(error instanceof TransientFailure) || error.retryAfterMs === undefined || retriesLeft <= 0) return;
          if (error.retryAfterMs > options.maxRetryAfterMs) {
            throw new SourceUnavailableError(
              `Nightscout ${shown} answered ${error.message} with Retry-After ${Math.round(error.retryAfterMs / 1000)} s ` +
                `(more than the ${Math.round(options.maxRetryAfterMs / 1000)} s this client waits); gave up after ${attempts} attempt(s)`,
            );
          }
          await sleep(error.retryAfterMs, undefined, { signal: options.signal });
        },
      },
    );
    return { text, attempts };
  } catch (error) {
    if (error instanceof TransientFailure) {
      throw new SourceUnavailableError(
        `Nightscout ${shown} unavailable after ${attempts} attempt(s): ${error.message}` +
          (error.status !== undefined ? ` (last status ${error.status})` : ''),
        { cause: error },
      );
    }
    throw error;
  }
}
