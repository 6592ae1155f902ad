import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidDataError } from '../../framework/errors.js';
import { startSimulator } from './index.js';
import type { NightscoutSimulator } from './index.js';

const SECRET = 'correct-horse-battery';
const TOKEN = 'readable-0123456789abcdef';
const sha1 = createHash('sha1').update(SECRET).digest('hex');
const sha512 = createHash('sha512').update(SECRET).digest('hex');
const DAY = 86_400_000;

type Row = Record<string, unknown> & { _id: string; date: number; type: string };

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; text: string; json: () => unknown }> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) };
}

describe('simulator routes and query syntax', () => {
  let sim: NightscoutSimulator;
  let base: string;
  beforeAll(async () => {
    sim = await startSimulator({ subjects: 3, days: 14, seed: 42 });
    base = sim.url('sim-02');
  });
  afterAll(async () => {
    await sim.close();
  });
  const rows = async (path: string) => {
    const response = await get(`${base}${path}`);
    expect(response.status, response.text).toBe(200);
    return response.json() as Row[];
  };

  it('serves 3 subjects under their own prefix, with matching sites', async () => {
    expect(sim.subjects).toEqual(['sim-01', 'sim-02', 'sim-03']);
    expect(sim.sites.map((site) => site.baseUrl)).toEqual(sim.subjects.map((subject) => `http://127.0.0.1:${sim.port}/${subject}`));
    const a = await rows('/api/v1/entries.json');
    const b = (await get(`${sim.url('sim-01')}/api/v1/entries.json`)).json() as Row[];
    expect(a[0]!._id).not.toBe(b[0]!._id);
    const root = await get(`http://127.0.0.1:${sim.port}/`);
    expect(root.type).toContain('text/html');
    expect(root.text).toContain('sim-03');
  });

  it('answers the 10 newest entries by default, with or without .json', async () => {
    const entries = sim.entries('sim-02');
    const json = await rows('/api/v1/entries.json');
    expect(json.map((entry) => entry._id)).toEqual(entries.slice(0, 10).map((entry) => entry._id));
    expect((await get(`${base}/api/v1/entries`)).text).toBe(JSON.stringify(json));
  });

  it('filters by type via /entries/<type>.json and find[type]', async () => {
    const sgv = await rows('/api/v1/entries/sgv.json?count=500');
    expect(sgv.length).toBe(500);
    expect(sgv.every((entry) => entry.type === 'sgv')).toBe(true);
    const mbg = await rows(`/api/v1/entries/mbg.json?count=1000&find[date][$gte]=0`);
    expect(mbg.length).toBe(sim.entries('sim-02').filter((entry) => entry.type === 'mbg').length);
    const byFind = await rows('/api/v1/entries.json?count=1000&find[type]=cal&find[date][$gte]=0');
    expect(byFind.length).toBeGreaterThan(0);
    expect(byFind.every((entry) => entry.type === 'cal')).toBe(true);
    const both = await rows('/api/v1/entries.json?count=100000&find[type][$in][]=mbg&find[type][$in][]=cal&find[date][$gte]=0');
    expect(new Set(both.map((entry) => entry.type))).toEqual(new Set(['mbg', 'cal']));
    const notSgv = await rows('/api/v1/entries.json?count=100000&find[type][$ne]=sgv&find[date][$gte]=0');
    expect(notSgv.length).toBe(both.length);
  });

  it('supports $gte/$gt/$lte/$lt/$eq on date, numeric sgv and string dateString, with encoded brackets', async () => {
    const entries = sim.entries('sim-02');
    const hi = entries[100]!.date;
    const lo = entries[300]!.date;
    const expected = (test: (date: number) => boolean) => entries.filter((entry) => test(entry.date)).map((entry) => entry._id);
    const ids = async (query: string) => (await rows(`/api/v1/entries.json?count=100000&${query}`)).map((entry) => entry._id);
    expect(await ids(`find[date][$gte]=${lo}&find[date][$lte]=${hi}`)).toEqual(expected((d) => d >= lo && d <= hi));
    expect(await ids(`find[date][$gt]=${lo}&find[date][$lt]=${hi}`)).toEqual(expected((d) => d > lo && d < hi));
    expect(await ids(`find%5Bdate%5D%5B%24gte%5D=${lo}&find%5Bdate%5D%5B%24lt%5D=${hi}`)).toEqual(expected((d) => d >= lo && d < hi));
    expect(await ids(`find[date][$eq]=${hi}`)).toEqual(expected((d) => d === hi));
    expect(await ids(`find[date]=${hi}`)).toEqual(expected((d) => d === hi));
    const high = await rows('/api/v1/entries.json?count=100000&find[date][$gte]=0&find[sgv][$gte]=250');
    expect(high.length).toBeGreaterThan(0);
    expect(high.every((entry) => (entry.sgv as number) >= 250)).toBe(true);
    const since = entries[50]!.dateString as string;
    const byString = await rows(`/api/v1/entries.json?count=1000&find[dateString][$gte]=${since}`);
    expect(byString.map((entry) => entry._id)).toEqual(entries.slice(0, 51).filter((entry) => (entry.dateString as string) >= since).map((entry) => entry._id));
    // Nightscout parseInt()s date values: an ISO date becomes its year (2024), i.e. matches everything
    expect(await rows(`/api/v1/entries.json?count=3&find[date][$gte]=2024-12-30`)).toEqual(await rows('/api/v1/entries.json?count=3&find[date][$gte]=0'));
  });

  it('searches only the last 4 days when no date is given, like Nightscout', async () => {
    const all = await rows('/api/v1/entries.json?count=100000');
    const now = sim.entries('sim-02')[0]!.date;
    expect(all.length).toBeGreaterThan(900);
    expect(all.length).toBeLessThan(1300);
    expect(all.every((entry) => entry.date >= Date.UTC(2025, 0, 1) - 4 * DAY)).toBe(true);
    expect(all[0]!.date).toBe(now);
  });

  it('serves current, by id, status and verifyauth', async () => {
    const entries = sim.entries('sim-02');
    expect((await rows('/api/v1/entries/current.json')).map((entry) => entry._id)).toEqual([entries[0]!._id]);
    const target = entries[1234]!;
    expect(await rows(`/api/v1/entries/${target._id}.json`)).toEqual([target]);
    const status = (await get(`${base}/api/v1/status.json`)).json() as Record<string, unknown>;
    expect(status).toMatchObject({ status: 'ok', apiEnabled: true, serverTimeEpoch: Date.UTC(2025, 0, 1) });
    expect(typeof status.version).toBe('string');
    expect(status.settings).toMatchObject({ units: 'mg/dl', authDefaultRoles: 'readable' });
    const verify = (await get(`${base}/api/v1/verifyauth`)).json() as { message: Record<string, unknown> };
    expect(verify.message).toMatchObject({ canRead: true, message: 'UNAUTHORIZED', permissions: 'DEFAULT' });
  });

  it('answers errors the way Nightscout does', async () => {
    const missing = await get(`${base}/api/v1/treatments.json`);
    expect(missing.status).toBe(404);
    expect(missing.type).toContain('text/html');
    expect((await get(`${base}/nope`)).status).toBe(404);
    expect((await get(`${base}/api/v1/entries.csv`)).status).toBe(405);
    const badCount = await get(`${base}/api/v1/entries.json?count=abc`);
    expect(badCount.status).toBe(400);
    expect(badCount.json()).toMatchObject({ status: 400, message: 'Bad Request' });
    expect((await get(`${base}/api/v1/entries.json?find[date][$where]=1`)).status).toBe(400);
  });

  it('answers byte-identical bodies for the same seed', async () => {
    const twin = await startSimulator({ subjects: 3, days: 14, seed: 42 });
    const other = await startSimulator({ subjects: 3, days: 14, seed: 43 });
    try {
      for (const path of ['/api/v1/entries.json?count=5000&find[date][$gte]=0', '/api/v1/status.json', '/api/v1/entries/current.json']) {
        const a = await fetch(`${base}${path}`);
        const b = await fetch(`${twin.url('sim-02')}${path}`);
        expect(Buffer.from(await a.arrayBuffer()).equals(Buffer.from(await b.arrayBuffer()))).toBe(true);
        expect(a.headers.get('date')).toBeNull();
      }
      const c = await get(`${other.url('sim-02')}/api/v1/entries.json`);
      expect(c.text).not.toBe((await get(`${base}/api/v1/entries.json`)).text);
    } finally {
      await twin.close();
      await other.close();
    }
  });
});

describe('simulator auth', () => {
  let sim: NightscoutSimulator;
  let entriesUrl: string;
  beforeAll(async () => {
    sim = await startSimulator({ subjects: 1, days: 1, apiSecret: SECRET, tokens: [TOKEN] });
    entriesUrl = `${sim.url('sim-01')}/api/v1/entries.json`;
  });
  afterAll(async () => {
    await sim.close();
  });

  it('accepts the SHA-1 (any case) or SHA-512 of the secret, not the secret itself', async () => {
    expect((await get(entriesUrl, { 'api-secret': sha1 })).status).toBe(200);
    expect((await get(entriesUrl, { 'api-secret': sha1.toUpperCase() })).status).toBe(200);
    expect((await get(entriesUrl, { 'api-secret': sha512 })).status).toBe(200);
    expect((await get(`${entriesUrl}?secret=${sha1}`)).status).toBe(200);
    const raw = await get(entriesUrl, { 'api-secret': SECRET });
    expect(raw.status).toBe(401);
    expect(raw.json()).toEqual({ status: 401, message: 'Unauthorized', description: 'Invalid/Missing' });
  });

  it('accepts configured access tokens', async () => {
    expect((await get(`${entriesUrl}?token=${TOKEN}`)).status).toBe(200);
    expect((await get(`${entriesUrl}?token=readable-ffff`)).status).toBe(401);
    expect((await get(entriesUrl)).status).toBe(401);
    expect((await get(`${sim.url()}/api/v1/status.json`)).status).toBe(401);
  });

  it('reports the outcome on verifyauth without 401', async () => {
    const admin = (await get(`${sim.url()}/api/v1/verifyauth`, { 'api-secret': sha1 })).json() as { message: Record<string, unknown> };
    expect(admin.message).toMatchObject({ canRead: true, canWrite: true, isAdmin: true, message: 'OK' });
    const token = (await get(`${sim.url()}/api/v1/verifyauth?token=${TOKEN}`)).json() as { message: Record<string, unknown> };
    expect(token.message).toMatchObject({ canRead: true, isAdmin: false, message: 'OK', rolefound: 'FOUND' });
    const none = (await get(`${sim.url()}/api/v1/verifyauth`)).json() as { message: Record<string, unknown> };
    expect(none.message).toMatchObject({ canRead: false, message: 'UNAUTHORIZED' });
  });

  it('serves a single subject at / too, and gives sites the secret', async () => {
    expect(sim.sites).toEqual([{ subjectId: 'sim-01', baseUrl: sim.url('sim-01'), apiSecret: SECRET }]);
    const a = await get(`${sim.url()}/api/v1/entries.json`, { 'api-secret': sha1 });
    const b = await get(entriesUrl, { 'api-secret': sha1 });
    expect(a.text).toBe(b.text);
  });

  it('refuses a public site wrong credentials', async () => {
    const open = await startSimulator({ subjects: 1, days: 1, apiSecret: SECRET, publicRead: true });
    try {
      expect((await get(`${open.url()}/api/v1/entries.json`)).status).toBe(200);
      expect((await get(`${open.url()}/api/v1/entries.json`, { 'api-secret': 'nope' })).status).toBe(401);
    } finally {
      await open.close();
    }
  });

  it('rejects API secrets shorter than 12 characters', async () => {
    await expect(startSimulator({ apiSecret: 'short' })).rejects.toThrow('at least 12 characters');
  });
});

describe('simulator faults', () => {
  it('fails, drops, delays and overrides as told, and logs requests', async () => {
    const sim = await startSimulator({ subjects: 1, days: 1, faults: { failFirst: 2, retryAfter: 3 } });
    try {
      const url = `${sim.url()}/api/v1/entries.json`;
      const first = await fetch(url);
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toBe('3');
      expect((await get(url)).status).toBe(503);
      expect((await get(url)).status).toBe(200);
      sim.setFaults({ failFirst: 1, failStatus: 429 });
      expect((await get(url)).status).toBe(429);
      sim.setFaults({ dropFirst: 1 });
      await expect(fetch(url)).rejects.toThrow();
      sim.setFaults({ latencyMs: 100 });
      const started = performance.now();
      expect((await get(url)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(95);
      sim.setFaults({ respondWith: { status: 200, contentType: 'text/plain', body: 'hello' } });
      expect((await get(url)).text).toBe('hello');
      sim.setFaults({});
      expect(sim.requests).toBe(7);
      expect(sim.requestLog.map((request) => request.status)).toEqual([503, 503, 200, 429, 0, 200, 200]);
      expect(sim.requestLog[2]).toMatchObject({ method: 'GET', url: '/api/v1/entries.json', subjectId: 'sim-01' });
    } finally {
      await sim.close();
    }
  });
});

describe('simulator serving a file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'assay-ns-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a real entries.json fixture as its only subject', async () => {
    const file = new URL('../../test/fixtures/nightscout/t1gym_entries.json', import.meta.url).pathname;
    const sim = await startSimulator({ entriesFile: file });
    try {
      expect(sim.subjects).toEqual(['t1gym_entries']);
      const body = (await get(`${sim.url()}/api/v1/entries.json?count=1000&find[date][$gte]=0`)).json() as Row[];
      expect(body.length).toBe(200);
      expect(body[0]).toMatchObject({ _id: '5ec4a0958b6aca48aa9f1c63', date: 1589944468998, device: 'Tomato', delta: 0 });
      // clock frozen at the latest reading: the default 4-day window still finds the data
      expect(((await get(`${sim.url()}/api/v1/entries/current.json`)).json() as Row[]).length).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it('serves mongoexport NDJSON with $oid ids and float dates normalised, other fields untouched', async () => {
    const file = join(dir, 'export.ndjson');
    writeFileSync(
      file,
      [
        '{"_id":{"$oid":"5cd4212a614598d46eb40a22"},"date":1.557405318571e+12,"dateString":"Thu May 09 14:35:18 GMT+02:00 2019","direction":"Flat","key600":"CGM8025B668","sgv":103,"type":"sgv"}',
        '{"_id":{"$oid":"5cd4212a614598d46eb40a25"},"date":1.557404718571e+12,"dateString":"Thu May 09 14:25:18 GMT+02:00 2019","key600":"CGM8025B410","sgv":103,"type":"sgv"}',
        '',
        '{"_id":{"$oid":"5cd4212a614598d46eb40a28"},"date":{"$numberLong":"1557405018571"},"sgv":104,"type":"sgv"}',
      ].join('\n'),
    );
    const sim = await startSimulator({ entriesFile: file, subjects: ['pablo'] });
    try {
      const text = (await get(`${sim.url('pablo')}/api/v1/entries.json?find[date][$gte]=0`)).text;
      expect(JSON.parse(text)).toEqual([
        { _id: '5cd4212a614598d46eb40a22', date: 1557405318571, dateString: 'Thu May 09 14:35:18 GMT+02:00 2019', direction: 'Flat', key600: 'CGM8025B668', sgv: 103, type: 'sgv' },
        { _id: '5cd4212a614598d46eb40a28', date: 1557405018571, sgv: 104, type: 'sgv' },
        { _id: '5cd4212a614598d46eb40a25', date: 1557404718571, dateString: 'Thu May 09 14:25:18 GMT+02:00 2019', key600: 'CGM8025B410', sgv: 103, type: 'sgv' },
      ]);
    } finally {
      await sim.close();
    }
  });

  it('rejects bad files naming the line or element', async () => {
    const ndjson = join(dir, 'bad.ndjson');
    writeFileSync(ndjson, '{"_id":"a","date":1,"type":"sgv"}\n\n{"_id":"b","type":"sgv"}\n');
    await expect(startSimulator({ entriesFile: ndjson })).rejects.toThrow(/line 3 in .*bad\.ndjson has an invalid field "date"/);
    const broken = join(dir, 'broken.ndjson');
    writeFileSync(broken, '{"_id":"a","date":1,"type":"sgv"}\n{nope\n');
    await expect(startSimulator({ entriesFile: broken })).rejects.toThrow(/line 2 is not valid JSON/);
    await expect(startSimulator({ entriesFile: join(dir, 'missing.json') })).rejects.toBeInstanceOf(InvalidDataError);
  });
});
