import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAllEntries } from './client.js';
import { parseEntries } from './entry.js';
import { startSimulator } from '../../samples/nightscout-simulator/index.js';
import type { NightscoutSimulator } from '../../samples/nightscout-simulator/index.js';

/** A real entries.json response (liamzebedee/t1gym, MIT; see test/fixtures/nightscout/README.md). */
const FIXTURE = new URL('../../test/fixtures/nightscout/t1gym_entries.json', import.meta.url).pathname;
const raw = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Array<Record<string, unknown>>;

describe('client on real Nightscout data (t1gym fixture served by the simulator)', () => {
  let sim: NightscoutSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ entriesFile: FIXTURE, subjects: ['t1gym'], apiSecret: 'a-real-api-secret' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('pages the whole response back, in order, normalised', async () => {
    const got = await fetchAllEntries(sim.sites[0]!, { pageSize: 7 });
    expect(got).toEqual(parseEntries(raw, FIXTURE));
    expect(got.length).toBe(200);
    expect(got[0]).toEqual({
      _id: '5ec4a0958b6aca48aa9f1c63',
      type: 'sgv',
      sgv: 428,
      date: 1589944468998,
      dateString: '2020-05-20T03:14:29.637Z',
      direction: 'FortyFiveDown',
      device: 'Tomato',
      utcOffset: 0,
      sysTime: '2020-05-20T03:14:29.637Z',
    });
  });

  it('shows why date, not dateString, is the reading time', async () => {
    const got = await fetchAllEntries(sim.sites[0]!);
    const lagMinutes = got.map((entry) => (Date.parse(entry.dateString!) - entry.date) / 60_000);
    expect(Math.min(...lagMinutes)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lagMinutes)).toBeGreaterThan(300); // a backfill uploaded hours later
    expect(got.every((entry) => entry.trend === undefined)).toBe(true);
  });

  it('fetches a window with since/until', async () => {
    const since = Date.UTC(2020, 4, 20, 0, 0);
    const until = Date.UTC(2020, 4, 20, 2, 0);
    const got = await fetchAllEntries(sim.sites[0]!, { since, until, pageSize: 5 });
    const expected = raw.filter((entry) => (entry.date as number) >= since && (entry.date as number) < until);
    expect(got.map((entry) => entry._id)).toEqual(expected.map((entry) => entry._id));
    expect(got.length).toBeGreaterThan(10);
  });
});
