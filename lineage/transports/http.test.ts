import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../../framework/errors.js';
import type { LineageServer } from '../test-support/lineage-server.js';
import { startLineageServer } from '../test-support/lineage-server.js';
import { assetStart } from '../test-support/sample-events.js';
import { LineageTransportError } from '../transport.js';
import {
  DEFAULT_HTTP_BACKOFF_MS,
  DEFAULT_HTTP_RETRIES,
  DEFAULT_HTTP_RETRY_STATUSES,
  DEFAULT_HTTP_TIMEOUT_MS,
  HttpTransport,
  lineageUrl,
  retryDelayMs,
} from './http.js';

let server: LineageServer;
beforeEach(async () => {
  server = await startLineageServer();
});
afterEach(async () => {
  await server.close();
});

/** Fast retries for tests. */
const quick = { backoffMs: 10, maxBackoffMs: 20 };

async function rejection(promise: Promise<unknown>): Promise<LineageTransportError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(LineageTransportError);
  return error as LineageTransportError;
}

describe('HttpTransport', () => {
  it('POSTs the event as JSON to url + /api/v1/lineage', async () => {
    const event = assetStart();
    await new HttpTransport({ url: server.url }).emit(event);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/api/v1/lineage');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.json).toEqual(JSON.parse(JSON.stringify(event)));
  });

  it('sends the API key as a bearer token, and custom headers', async () => {
    await new HttpTransport({
      url: `${server.url}/`,
      endpoint: 'custom/lineage',
      apiKey: 'secret-key',
      headers: { 'X-Tenant': 'glucose' },
    }).emit(assetStart());
    const [request] = server.requests;
    expect(request?.url).toBe('/custom/lineage');
    expect(request?.headers.authorization).toBe('Bearer secret-key');
    expect(request?.headers['x-tenant']).toBe('glucose');
  });

  it('retries on 503 with back-off, then succeeds', async () => {
    server.reply = (_, n) => (n <= 2 ? 503 : 201);
    await new HttpTransport({ url: server.url, retries: 3, ...quick }).emit(assetStart());
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]?.json).toEqual(server.requests[0]?.json);
  });

  it('retries on 429 and on a dropped connection', async () => {
    server.reply = (_, n) => (n === 1 ? 429 : n === 2 ? 'reset' : 201);
    await new HttpTransport({ url: server.url, retries: 3, ...quick }).emit(assetStart());
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400, and reports it as final', async () => {
    server.reply = () => 400;
    const error = await rejection(new HttpTransport({ url: server.url, retries: 3, ...quick }).emit(assetStart()));
    expect(server.requests).toHaveLength(1);
    expect(error.status).toBe(400);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('answered HTTP 400');
  });

  it('gives up after its retries on a backend that stays down, as retryable', async () => {
    server.reply = () => 500;
    const error = await rejection(new HttpTransport({ url: server.url, retries: 2, ...quick }).emit(assetStart()));
    expect(server.requests).toHaveLength(3);
    expect(error).toMatchObject({ status: 500, retryable: true });
  });

  it('times out an attempt that gets no answer', async () => {
    server.reply = () => 'hang';
    const started = Date.now();
    const error = await rejection(new HttpTransport({ url: server.url, timeoutMs: 150, retries: 0 }).emit(assetStart()));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('within 150 ms');
  });

  it('stops retrying when the caller aborts', async () => {
    server.reply = () => 503;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('budget spent')), 100);
    const started = Date.now();
    const error = await rejection(
      new HttpTransport({ url: server.url, retries: 50, backoffMs: 40, maxBackoffMs: 40 }).emit(assetStart(), {
        signal: controller.signal,
      }),
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error.retryable).toBe(true);
  });

  it('reports an unreachable backend as retryable', async () => {
    const url = server.url;
    await server.close();
    const error = await rejection(new HttpTransport({ url, retries: 1, ...quick }).emit(assetStart()));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('cannot reach');
    server = await startLineageServer();
  });

  it('refuses to follow a redirect', async () => {
    server.reply = () => 301;
    const error = await rejection(new HttpTransport({ url: server.url, retries: 3, ...quick }).emit(assetStart()));
    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({ status: 301, retryable: false });
  });

  it('compresses the body with gzip when asked', async () => {
    await new HttpTransport({ url: server.url, compression: 'gzip' }).emit(assetStart());
    const [request] = server.requests;
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(request?.json).toEqual(JSON.parse(JSON.stringify(assetStart())));
  });

  it('rejects a URL that is not http(s)', () => {
    expect(() => new HttpTransport({ url: 'ftp://example.com' })).toThrow(InvalidDocumentError);
    expect(() => new HttpTransport({ url: 'not a url' })).toThrow(InvalidDocumentError);
  });

  it('joins the base URL and the endpoint with one slash', () => {
    expect(lineageUrl('http://m:5000/', '/api/v1/lineage')).toBe('http://m:5000/api/v1/lineage');
    expect(lineageUrl('http://m:5000/marquez', 'api/v1/lineage')).toBe('http://m:5000/marquez/api/v1/lineage');
    expect(lineageUrl('http://m:5000')).toBe('http://m:5000/api/v1/lineage');
  });

  it('uses the Python client defaults: 5 s time-out, 5 retries, backoff_factor 0.3 on urllib3\'s schedule', () => {
    expect(DEFAULT_HTTP_TIMEOUT_MS).toBe(5_000);
    expect(DEFAULT_HTTP_RETRIES).toBe(5);
    expect(DEFAULT_HTTP_BACKOFF_MS).toBe(300);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, DEFAULT_HTTP_BACKOFF_MS, 120_000))).toEqual([0, 600, 1200, 2400, 4800]);
    expect(retryDelayMs(12, 300, 120_000)).toBe(120_000);
    expect(DEFAULT_HTTP_RETRY_STATUSES).toEqual(expect.arrayContaining([500, 502, 503, 504]));
  });

  it('takes a 500 whose body says code 400 as a bad event: final, not retried', async () => {
    server.reply = () => ({ status: 500, afterMs: 0, body: '{"code":400,"message":"Unable to process JSON"}' });
    const error = await rejection(new HttpTransport({ url: server.url, retries: 3, ...quick }).emit(assetStart()));
    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({ status: 500, retryable: false });
    expect(error.message).toContain('bad event');
  });

  it('does not retry at once a status outside the list, but reports a 5xx as worth sending later', async () => {
    server.reply = () => 501;
    const error = await rejection(new HttpTransport({ url: server.url, retries: 3, ...quick }).emit(assetStart()));
    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({ status: 501, retryable: true });
    server.reply = (_, n) => (n === 2 ? 502 : 201);
    const configured = new HttpTransport({ url: server.url, retries: 3, retryStatuses: [503], ...quick });
    expect((await rejection(configured.emit(assetStart()))).status).toBe(502);
    expect(server.requests).toHaveLength(2);
  });

  it('counts an answer that comes after the time-out, and resolves only once every copy was answered', async () => {
    server.reply = () => ({ status: 201, afterMs: 150 });
    // Time-out 50 ms, then a retry at once, then a pause of 200 ms during which the first answer arrives.
    await new HttpTransport({ url: server.url, timeoutMs: 50, retries: 3, backoffMs: 100, maxBackoffMs: 1_000 }).emit(
      assetStart(),
    );
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    // Every copy sent was answered before emit resolved.
    expect(server.answered).toHaveLength(server.requests.length);
  });

  it('after its last time-out, says through error.settled that the request was accepted late', async () => {
    server.reply = () => ({ status: 201, afterMs: 200 });
    const error = await rejection(new HttpTransport({ url: server.url, timeoutMs: 20, retries: 0 }).emit(assetStart()));
    expect(error.retryable).toBe(true);
    expect(server.answered).toHaveLength(0);
    expect(await error.settled).toBe(true);
    expect(server.answered).toHaveLength(1);
  });

  it('says through error.settled that nothing was accepted when every request failed', async () => {
    server.reply = () => 503;
    const error = await rejection(new HttpTransport({ url: server.url, retries: 1, ...quick }).emit(assetStart()));
    expect(await error.settled).toBe(false);
  });
});

