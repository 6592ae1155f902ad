/**
 * HTTP transport: POSTs each event as JSON to `${url}${endpoint}` (Marquez: `/api/v1/lineage`),
 * like the Python client's `HttpTransport`. Each attempt has a time-out; 408, 425, 429 and 5xx
 * answers, time-outs and connection errors are retried with exponential back-off (p-retry);
 * other answers are final. Redirects are refused rather than followed (a 301/302/303 would
 * turn the POST into a GET).
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import pRetry, { AbortError } from 'p-retry';
import { InvalidDocumentError } from '../../framework/errors.js';
import type { LineageEvent } from '../model.js';
import type { EmitOptions, Transport } from '../transport.js';
import { LineageTransportError } from '../transport.js';

const gzipAsync = promisify(gzip);

export const DEFAULT_HTTP_ENDPOINT = '/api/v1/lineage';

export interface HttpTransportOptions {
  /** Base URL of the backend, e.g. `http://localhost:5000`. */
  url: string;
  /** Path appended to `url`. Default `/api/v1/lineage`. */
  endpoint?: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Extra headers; they win over the defaults (so they can replace `Authorization`). */
  headers?: Readonly<Record<string, string>>;
  /** Time-out of one attempt, ms. Default 5000 (the Python client's 5 s). */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 5 (the Python client's `total`). */
  retries?: number;
  /** Delay before the first retry, ms; doubles each time. Default 300 (`backoff_factor` 0.3). */
  backoffMs?: number;
  /** Longest delay between retries, ms. Default 10 000. */
  maxBackoffMs?: number;
  /** HTTP statuses worth retrying. Default 408, 425, 429 and every 5xx. */
  retryStatuses?: readonly number[];
  /** Compress bodies (`Content-Encoding: gzip`); only for a backend that accepts gzip request bodies. */
  compression?: 'gzip';
}

function isDefaultRetryStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** `url` without trailing slashes + `endpoint` with one leading slash. */
export function lineageUrl(url: string, endpoint: string = DEFAULT_HTTP_ENDPOINT): string {
  const base = url.trim().replace(/\/+$/, '');
  const path = endpoint.trim().replace(/^\/+/, '');
  return path === '' ? base : `${base}/${path}`;
}

export class HttpTransport implements Transport {
  readonly target: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly isRetryStatus: (status: number) => boolean;
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
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.retries = options.retries ?? 5;
    this.backoffMs = options.backoffMs ?? 300;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    const statuses = options.retryStatuses;
    this.isRetryStatus = statuses ? (s) => statuses.includes(s) : isDefaultRetryStatus;
  }

  async emit(event: LineageEvent, options: EmitOptions = {}): Promise<void> {
    const json = JSON.stringify(event);
    const body = this.compression === 'gzip' ? await gzipAsync(json, { level: 3 }) : json;
    const { signal } = options;
    try {
      await pRetry(() => this.attempt(body, signal), {
        retries: this.retries,
        factor: 2,
        minTimeout: this.backoffMs,
        maxTimeout: this.maxBackoffMs,
        signal,
        unref: true,
      });
    } catch (err) {
      if (err instanceof LineageTransportError) throw err;
      // The caller's signal fired between attempts: p-retry rejects with its reason.
      throw new LineageTransportError(`delivery to ${this.target} was cancelled: ${describe(err)}`, true, undefined, {
        cause: err,
      });
    }
  }

  private async attempt(body: string | Buffer, callerSignal: AbortSignal | undefined): Promise<void> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(this.target, { method: 'POST', headers: this.headers, body, signal, redirect: 'manual' });
    } catch (err) {
      if (callerSignal?.aborted) {
        throw new AbortError(
          new LineageTransportError(`delivery to ${this.target} was cancelled`, true, undefined, { cause: err }),
        );
      }
      const message = timeout.aborted
        ? `no answer from ${this.target} within ${this.timeoutMs} ms`
        : `cannot reach ${this.target}: ${describe(err)}`;
      throw new LineageTransportError(message, true, undefined, { cause: err });
    }
    // Read the body either way so the connection can be reused.
    const text = await response.text().catch(() => '');
    if (response.status >= 200 && response.status < 300) return;
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      throw new AbortError(
        new LineageTransportError(
          `${this.target} answered HTTP ${response.status} (redirect${location ? ` to ${location}` : ''}); set the lineage URL to the final address`,
          false,
          response.status,
        ),
      );
    }
    const detail = text.trim() === '' ? '' : `: ${text.trim().slice(0, 300)}`;
    const retryable = this.isRetryStatus(response.status);
    const error = new LineageTransportError(
      `${this.target} answered HTTP ${response.status}${detail}`,
      retryable,
      response.status,
    );
    if (!retryable) throw new AbortError(error);
    throw error;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
    return typeof code === 'string' ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
