/**
 * Same inputs, same bytes: the glucose models over enough readings for DuckDB to aggregate on several threads
 * (more than one row group of 122,880 rows) publish byte-identical Parquet on every run — what content hashes and
 * "reuse the result of the same inputs" rely on.
 */
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { glucoseModelsFrom } from './glucose-models.test-helpers.js';

// 100 subjects × 5 days of 5-minute readings from 2024-03-01 (UTC): 144,000 rows, values spread over 40–400 mg/dL.
const READINGS = `
  SELECT ('s' || (i % 100))::VARCHAR AS subject_id, ('e' || i)::VARCHAR AS _id, 'sgv'::VARCHAR AS type,
         (40 + (hash(i) % 361))::INTEGER AS sgv, (1709251200000 + (i // 100) * 300000)::BIGINT AS date,
         NULL::VARCHAR AS date_string, 'Flat'::VARCHAR AS direction, 4::INTEGER AS trend, 'test'::VARCHAR AS device,
         0::INTEGER AS utc_offset, NULL::VARCHAR AS sys_time
  FROM range(144000) AS r(i)`;

const homes: string[] = [];
afterAll(async () => {
  await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
});

describe('the glucose models are deterministic', () => {
  it('publish the same bytes for the same readings, run after run', { timeout: 120_000 }, async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const { home, records } = await glucoseModelsFrom(READINGS);
      homes.push(home);
      runs.push(new Map(records.map((r) => [`${r.asset}[${r.partition}]`, r.contentHash])));
    }
    expect(runs[0]!.size).toBeGreaterThan(20);
    expect([...runs[1]!]).toEqual([...runs[0]!]);
  });
});
