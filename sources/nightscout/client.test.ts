import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidDataError, SourceRequestError, SourceUnavailableError } from '../../framework/errors.js';
import { fetchAllEntries, fetchEntries, hashApiSecret } from './client.js';
import type { NightscoutPageInfo, NightscoutSite } from './client.js';
import { startSimulator } from '../../samples/nightscout-simulator/index.js';
import type { NightscoutSimulator } from '../../samples/nightscout-simulator/index.js';
import { caught } from './errors.test-helpers.js';

const SECRET = 'correct-horse-battery';
const TOKEN = 'readable-0123456789abcdef';
/** Fast retries for tests. */
const FAST = { retryMinTimeoutMs: 5, retries: 3 } as const;

let sim: NightscoutSimulator;
beforeAll(async () => {
  sim = await startSimulator({ subjects: 2, days: 14, seed: 7, apiSecret: SECRET, tokens: [TOKEN] });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.setFaults({});
});

function site(overrides: Partial<NightscoutSite> = {}): NightscoutSite {
  return { subjectId: 'sim-01', baseUrl: sim.url('sim-01'), apiSecret: SECRET, ...overrides };
}

describe('fetchEntries paging', () => {
  it('returns the full history, newest first, across many small pages', async () => {
    const pages: NightscoutPageInfo[] = [];
    const all = await fetchAllEntries(site(), { pageSize: 250, onPage: (info) => pages.push(info) });
    const expected = sim.entries('sim-01');
    expect(all.length).toBe(expected.length);
    expect(new Set(all.map((entry) => entry._id)).size).toBe(all.length);
    expect(all.map((entry) => entry._id).sort()).toEqual(expected.map((entry) => entry._id).sort());
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.date).toBeGreaterThanOrEqual(all[i]!.date);
    expect(pages.length).toBeGreaterThan(expected.length / 250);
    expect(pages[0]!.url).toContain('find[date][$gte]=0');
    expect(pages[1]!.url).toMatch(/find\[date\]\[\$lte\]=\d+/);
    expect(pages.at(-1)!.totalEmitted).toBe(expected.length);
    // all entry types come through; staging filters
    expect(new Set(all.map((entry) => entry.type))).toEqual(new Set(['sgv', 'mbg', 'cal']));
  });

  it('streams pages as arrays', async () => {
    let pages = 0;
    let total = 0;
    for await (const page of fetchEntries(site(), { pageSize: 1000 })) {
      pages++;
      total += page.length;
      expect(page.length).toBeLessThanOrEqual(1000);
    }
    expect(pages).toBeGreaterThan(3);
    expect(total).toBe(sim.entries('sim-01').length);
  });

  it('keeps entries with equal dates at page boundaries without loss, repeats or endless loops', async () => {
    const raw: unknown[] = [];
    let id = 0;
    const oid = () => (id++).toString(16).padStart(24, '0');
    // 7 at t=5000 (bigger than the page), 3 at 4000, 1 at 3000, 12 at 2000, 1 at 1000
    for (const [date, n] of [[5000, 7], [4000, 3], [3000, 1], [2000, 12], [1000, 1]] as const) {
      for (let i = 0; i < n; i++) raw.push({ _id: oid(), date, sgv: 100 + i, type: 'sgv' });
    }
    const local = await startSimulator({ entries: raw, subjects: ['dups'] });
    try {
      for (const pageSize of [1, 2, 3, 5, 7, 8, 50]) {
        const pages: NightscoutPageInfo[] = [];
        const all = await fetchAllEntries(
          { subjectId: 'dups', baseUrl: local.url('dups') },
          { pageSize, onPage: (info) => pages.push(info) },
        );
        expect(all.length, `pageSize ${pageSize}`).toBe(raw.length);
        expect(new Set(all.map((entry) => entry._id)).size).toBe(raw.length);
        expect(pages.length).toBeLessThan(40);
      }
    } finally {
      await local.close();
    }
  });

  it('honours since (inclusive) and until (exclusive)', async () => {
    const entries = sim.entries('sim-01');
    const since = entries[Math.floor(entries.length * 0.6)]!.date;
    const until = entries[Math.floor(entries.length * 0.2)]!.date;
    const got = await fetchAllEntries(site(), { since, until, pageSize: 200 });
    const expected = entries.filter((entry) => entry.date >= since && entry.date < until);
    expect(got.length).toBe(expected.length);
    expect(got.every((entry) => entry.date >= since && entry.date < until)).toBe(true);
    expect(got.some((entry) => entry.date === since)).toBe(true);
  });

  it("uses the site's since when no option is given", async () => {
    const entries = sim.entries('sim-01');
    const since = entries[100]!.date;
    const got = await fetchAllEntries(site({ since }), { pageSize: 1000 });
    expect(got.length).toBe(entries.filter((entry) => entry.date >= since).length);
  });

  it('yields nothing for an empty range', async () => {
    const got = await fetchAllEntries(site(), { since: Date.UTC(2030, 0, 1) });
    expect(got).toEqual([]);
  });
});

describe('fetchEntries auth', () => {
  it('sends the SHA-1 of the API secret in the api-secret header', async () => {
    expect(hashApiSecret(SECRET)).toMatch(/^[0-9a-f]{40}$/);
    const got = await fetchAllEntries(site(), { since: sim.entries('sim-01')[20]!.date });
    expect(got.length).toBe(21);
  });

  it('accepts an access token as the token query parameter', async () => {
    const got = await fetchAllEntries(site({ apiSecret: undefined, token: TOKEN }), { since: sim.entries('sim-01')[20]!.date });
    expect(got.length).toBe(21);
  });

  it('takes the API secret from the URL user info (https://SECRET@host)', async () => {
    const baseUrl = sim.url('sim-01').replace('http://', `http://${SECRET}@`);
    const got = await fetchAllEntries({ subjectId: 'sim-01', baseUrl }, { since: sim.entries('sim-01')[3]!.date });
    expect(got.length).toBe(4);
    const error = await caught(fetchAllEntries({ subjectId: 'sim-01', baseUrl: `${baseUrl}/nope` }));
    expect(error.message).toContain('not a Nightscout site');
    expect(error.message).not.toContain(SECRET);
  });

  it('reports a rejected secret as SourceRequestError naming the env var, without leaking it', async () => {
    const error = await caught(fetchAllEntries(site({ apiSecret: 'wrong-secret-value' })));
    expect(error).toBeInstanceOf(SourceRequestError);
    expect(error.message).toContain('rejected the API secret');
    expect(error.message).toContain('NIGHTSCOUT_API_SECRET');
    expect(error.message).toContain('HTTP 401');
    expect(error.message).not.toContain('wrong-secret-value');
  });

  it('reports a rejected token, redacting it', async () => {
    const error = await caught(fetchAllEntries(site({ apiSecret: undefined, token: 'readable-ffffffffffffffff' })));
    expect(error).toBeInstanceOf(SourceRequestError);
    expect(error.message).toContain('rejected the access token');
    expect(error.message).toContain('NIGHTSCOUT_TOKEN');
    expect(error.message).not.toContain('readable-ffffffffffffffff');
  });

  it('reports a missing credential', async () => {
    const error = await caught(fetchAllEntries(site({ apiSecret: undefined })));
    expect(error).toBeInstanceOf(SourceRequestError);
    expect(error.message).toContain('no credential is configured');
  });
});

describe('fetchEntries errors', () => {
  it('404: not a Nightscout site', async () => {
    const error = await caught(fetchAllEntries(site({ baseUrl: `${sim.url('sim-01')}/nope` })));
    expect(error).toBeInstanceOf(SourceRequestError);
    expect(error.message).toContain('not a Nightscout site (no /api/v1/entries.json at');
    expect(error.message).toContain('/sim-01/nope');
  });

  it('non-JSON body: SourceRequestError with content type and first bytes', async () => {
    sim.setFaults({ respondWith: { contentType: 'text/html', body: '<html><body>Application Error</body></html>' } });
    const error = await caught(fetchAllEntries(site({ apiSecret: undefined, token: TOKEN })));
    expect(error).toBeInstanceOf(SourceRequestError);
    expect(error.message).toContain('content-type text/html');
    expect(error.message).toContain('<html><body>Application Error');
    expect(error.message).toContain('token=***');
    expect(error.message).not.toContain(TOKEN);
  });

  it('JSON that is not an array: InvalidDataError naming the page', async () => {
    sim.setFaults({ respondWith: { body: '{"status":"ok"}' } });
    const error = await caught(fetchAllEntries(site()));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(/expected a JSON array of Nightscout entries from http:\/\/127\.0\.0\.1:\d+\/sim-01\/api\/v1\/entries\.json\?count=10000/);
  });

  it('a bad element: InvalidDataError with index and field', async () => {
    sim.setFaults({
      respondWith: {
        body: JSON.stringify([
          { _id: 'a', date: 2, type: 'sgv', sgv: 100 },
          { _id: 'b', date: 1, type: 'sgv', sgv: 'high' },
        ]),
      },
    });
    const error = await caught(fetchAllEntries(site()));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain('entry 1 in http://');
    expect(error.message).toContain('field "sgv": must be a number (got "high")');
  });

  it('a missing date: InvalidDataError naming the field', async () => {
    sim.setFaults({ respondWith: { body: JSON.stringify([{ _id: 'a', type: 'sgv', sgv: 100 }]) } });
    const error = await caught(fetchAllEntries(site()));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain('entry 0');
    expect(error.message).toContain('field "date"');
  });

  it('other 4xx: SourceRequestError with status and body', async () => {
    sim.setFaults({ respondWith: { status: 400, body: '{"status":400,"message":"Bad Request"}' } });
    const error = await caught(fetchAllEntries(site()));
    expect(error).toBeInstanceOf(SourceRequestError);
    expect(error.message).toContain('HTTP 400');
  });
});

describe('fetchEntries retries', () => {
  it('recovers from 503s', async () => {
    sim.setFaults({ failFirst: 2 });
    const before = sim.requests;
    const pages: NightscoutPageInfo[] = [];
    const got = await fetchAllEntries(site(), { ...FAST, since: sim.entries('sim-01')[9]!.date, onPage: (info) => pages.push(info) });
    expect(got.length).toBe(10);
    expect(pages[0]!.attempts).toBe(3);
    expect(sim.requests - before).toBe(pages.length + 2);
  });

  it('gives up with SourceUnavailableError (retryable) naming URL, status and attempts', async () => {
    sim.setFaults({ failFirst: 100 });
    const error = await caught(fetchAllEntries(site({ apiSecret: undefined, token: TOKEN }), FAST));
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect((error as SourceUnavailableError).retryable).toBe(true);
    expect(error.message).toContain('after 4 attempt(s)');
    expect(error.message).toContain('last status 503');
    expect(error.message).toContain('/sim-01/api/v1/entries.json');
    expect(error.message).not.toContain(TOKEN);
  });

  it('waits for Retry-After on 429', async () => {
    sim.setFaults({ failFirst: 1, failStatus: 429, retryAfter: 1 });
    const started = performance.now();
    const got = await fetchAllEntries(site(), { ...FAST, since: sim.entries('sim-01')[4]!.date });
    expect(got.length).toBe(5);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('does not wait for a Retry-After beyond maxRetryAfterMs', async () => {
    sim.setFaults({ failFirst: 1, failStatus: 429, retryAfter: 3600 });
    const started = performance.now();
    const error = await caught(fetchAllEntries(site(), { ...FAST, maxRetryAfterMs: 10_000 }));
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect(error.message).toContain('Retry-After 3600 s');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('retries dropped connections', async () => {
    sim.setFaults({ dropFirst: 2 });
    const got = await fetchAllEntries(site(), { ...FAST, since: sim.entries('sim-01')[2]!.date });
    expect(got.length).toBe(3);
  });

  it('times out slow answers and reports it after retries', async () => {
    sim.setFaults({ latencyMs: 300 });
    const error = await caught(fetchAllEntries(site(), { ...FAST, retries: 1, timeoutMs: 50 }));
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect(error.message).toContain('timed out after 50 ms');
    expect(error.message).toContain('after 2 attempt(s)');
  });

  it('reports a refused connection as SourceUnavailableError', async () => {
    const closed = await startSimulator({ subjects: 1, days: 1 });
    const baseUrl = closed.url();
    await closed.close();
    const error = await caught(fetchAllEntries({ subjectId: 'x', baseUrl }, { ...FAST, retries: 1 }));
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect(error.message).toContain('connection failed (ECONNREFUSED)');
  });

  it('stops when the caller aborts', async () => {
    sim.setFaults({ latencyMs: 200 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by test')), 20);
    const error = await caught(fetchAllEntries(site(), { signal: controller.signal }));
    expect(error.message).toBe('cancelled by test');
  });
});
