/**
 * Benchmark: the 15 expectations of `fixtures/fifteen_expectations.json` (every kind: table, null, range, set,
 * regex, compound uniqueness, statistics, type) over 1,000,000 generated rows in an in-memory table; the
 * median of 5 validations. Target ≤ 300 ms. Run alone with `npx tsx expectations/bench.ts`.
 */
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadSuite } from './load.js';
import { validateRelation } from './run.js';

export interface ExpectationsBench {
  rows: number;
  expectations: number;
  medianMs: number;
  scans: number;
}

const ROWS = 1_000_000;
const RUNS = 5;

/** Five sensor streams at 5-minute intervals, 1 in 1,000 glucose values missing, realistic arrows and rates. */
const GENERATE = `
  CREATE TABLE readings AS
  SELECT
    'subject_' || (i % 5)                                                     AS subject_id,
    substr(md5(i::VARCHAR), 1, 24)                                            AS entry_id,
    make_timestamptz(1700000000000000 + (i // 5) * 300000000)                 AS reading_ts,
    CASE WHEN i % 1000 = 0 THEN NULL ELSE (40 + (i * 7919) % 300)::INTEGER END AS sgv_mg_dl,
    (['Flat', 'FortyFiveUp', 'FortyFiveDown', 'SingleUp', 'SingleDown', NULL])[1 + i % 6] AS direction,
    ((i * 104729) % 2001 - 1000) / 100.0                                      AS rate
  FROM range(${ROWS}) r(i)`;

export async function benchExpectations(): Promise<ExpectationsBench> {
  const suite = await loadSuite(fileURLToPath(new URL('./fixtures/fifteen_expectations.json', import.meta.url)));
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    try {
      await connection.run("SET TimeZone = 'UTC'");
      await connection.run(GENERATE);
      const times: number[] = [];
      let scans = 0;
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        const result = await validateRelation(connection, 'readings', [suite]);
        times.push(performance.now() - started);
        scans = result.meta.scans;
        if (!result.success) throw new Error(`benchmark data should pass the suite: ${JSON.stringify(result.statistics)}`);
      }
      times.sort((a, b) => a - b);
      return { rows: ROWS, expectations: suite.expectations.length, medianMs: Math.round(times[Math.floor(RUNS / 2)] ?? NaN), scans };
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchExpectations().then(
    (bench) => console.log(JSON.stringify(bench)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
