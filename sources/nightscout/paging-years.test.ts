/**
 * Years of readings: page 3 years (~315k entries) of one simulated subject through the client.
 * Reports throughput; asserts completeness, not speed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchEntries } from './client.js';
import { startSimulator } from '../../samples/nightscout-simulator/index.js';
import type { NightscoutSimulator } from '../../samples/nightscout-simulator/index.js';

const DAYS = 3 * 365;

describe('paging years of readings', () => {
  let sim: NightscoutSimulator;
  let setupMs = 0;
  beforeAll(async () => {
    const started = performance.now();
    sim = await startSimulator({ subjects: ['years'], days: DAYS, seed: 3 });
    setupMs = performance.now() - started;
  }, 120_000);
  afterAll(async () => {
    await sim.close();
  });

  it('streams 3 years with the default page size', async () => {
    const expected = sim.entries('years').length;
    expect(expected).toBeGreaterThan(280_000);
    const started = performance.now();
    let total = 0;
    let pages = 0;
    let previousOldest = Number.POSITIVE_INFINITY;
    let ordered = true;
    const ids = new Set<string>();
    for await (const page of fetchEntries(sim.sites[0]!)) {
      pages++;
      total += page.length;
      for (const entry of page) ids.add(entry._id);
      if (page[0]!.date > previousOldest) ordered = false;
      previousOldest = page.at(-1)!.date;
    }
    const seconds = (performance.now() - started) / 1000;
    expect(total).toBe(expected);
    expect(ids.size).toBe(expected);
    expect(ordered).toBe(true);
    console.log(
      `[nightscout] 3 years: ${total} entries in ${pages} pages of 10000, ${seconds.toFixed(2)} s ` +
        `(${Math.round(total / seconds)} entries/s); simulator generated them in ${(setupMs / 1000).toFixed(2)} s`,
    );
  }, 120_000);
});
