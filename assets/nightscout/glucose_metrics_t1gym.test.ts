/**
 * The Nightscout glucose models on one real day of Nightscout API output (t1gym, 2020-05-19 UTC, 146 sgv
 * entries from a MiaoMiao/Libre "Tomato" uploader at utcOffset 0; see test/fixtures/nightscout/metrics/README.md).
 *
 * Expected values were computed independently of DuckDB by a scratch Python script with the standard library:
 * entries of type 'sgv' with 20 ≤ sgv ≤ 600, one per `date` (lowest _id), local day from `date` + utcOffset;
 * `statistics.mean`, `statistics.stdev` (sample SD), counts for TIR/TBR/TAR, `statistics.quantiles(v, n=4,
 * method='inclusive')` (= continuous / type-7 quartiles), and rates as Δsgv / (Δdate / 60000) over steps of at
 * most 15 minutes. The printed values are hard-coded below.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../framework/sql.js';
import { readAsset } from '../../engine/testing.js';
import { dailyPartitions } from '../../framework/index.js';
import { glucoseModelsFrom } from './glucose-models.test-helpers.js';
import { nightscoutAssetsFor } from './assets.js';

// Days in UTC (the uploader's offset is 0 too), from 2020 on.
const GROUP = nightscoutAssetsFor(dailyPartitions({ start: '2020-01-01' }));
const { dimGlucoseDate, intGlucoseEnriched, martGlucoseHourlyPatterns, martGlucoseOverview, stgNightscoutGlucose } = GROUP;

const FIXTURE = fileURLToPath(
  new URL('../../test/fixtures/nightscout/metrics/t1gym_entries_day.json', import.meta.url),
);

/** The API's camelCase entries as raw_nightscout_entries' snake_case columns (absent keys become NULL). */
const RAW_FROM_FIXTURE = `
  SELECT 't1gym'::VARCHAR AS subject_id, _id, type, sgv, date, dateString AS date_string, direction, trend, device,
         utcOffset AS utc_offset, sysTime AS sys_time
  FROM read_json(${quoteLiteral(FIXTURE)}, format = 'array', columns = {
    _id: 'VARCHAR', type: 'VARCHAR', sgv: 'INTEGER', date: 'BIGINT', dateString: 'VARCHAR', direction: 'VARCHAR',
    trend: 'INTEGER', device: 'VARCHAR', utcOffset: 'INTEGER', sysTime: 'VARCHAR'
  })`;

function num(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

describe('Nightscout glucose models on a real day of t1gym entries', () => {
  let home: string;

  beforeAll(async () => {
    ({ home } = await glucoseModelsFrom(RAW_FROM_FIXTURE, GROUP.all));
  });

  afterAll(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('loads every entry of the fixture as a typed reading', async () => {
    const stg = await readAsset(home, stgNightscoutGlucose);
    // 146 entries, all type 'sgv', 61–234 mg/dL, 146 distinct dates and _ids.
    expect(stg).toHaveLength(146);
    expect(new Set(stg.map((r) => r.subject_id))).toEqual(new Set(['t1gym']));
    expect(stg.every((r) => r.device === 'Tomato' && num(r.utc_offset_min) === 0)).toBe(true);
    // The earliest reading: date 1589892003182 = 2020-05-19T12:40:03.182Z, sgv 212.
    expect(stg[0]!.reading_ts).toBe('2020-05-19 12:40:03.182+00');
    expect(num(stg[0]!.sgv_mg_dl)).toBe(212);
  });

  it('computes the daily metrics the standard library computes', async () => {
    const days = await readAsset(home, dimGlucoseDate);
    expect(days).toHaveLength(1);
    const d = days[0]!;
    expect(d.local_date).toBe('2020-05-19');
    expect(num(d.reading_count)).toBe(146);
    expect(num(d.coverage_pct)).toBeCloseTo(50.69444444444444, 9); // 146 / 288
    expect(num(d.mean_mg_dl)).toBeCloseTo(137.14383561643837, 9); // statistics.mean
    expect(num(d.sd_mg_dl)).toBeCloseTo(52.39912999093854, 9); // statistics.stdev
    expect(num(d.cv_pct)).toBeCloseTo(38.207426353079086, 9);
    expect(num(d.min_mg_dl)).toBe(61);
    expect(num(d.max_mg_dl)).toBe(234);
    expect(num(d.tir_pct)).toBeCloseTo(56.16438356164384, 9); // 82 of 146
    expect(num(d.tbr_pct)).toBeCloseTo(14.383561643835616, 9); // 21 of 146
    expect(num(d.tbr_level2_pct)).toBeCloseTo(0, 9);
    expect(num(d.tar_pct)).toBeCloseTo(29.45205479452055, 9); // 43 of 146
    expect(num(d.tar_level2_pct)).toBeCloseTo(0, 9);
    expect(num(d.gmi_pct)).toBeCloseTo(6.590480547945206, 9);
  });

  it('gives a single day a rolling GMI equal to its own and no day-over-day change', async () => {
    const [o] = await readAsset(home, martGlucoseOverview);
    expect(num(o!.rolling_7d_days)).toBe(1);
    expect(num(o!.rolling_7d_gmi_pct)).toBeCloseTo(6.590480547945206, 9);
    expect(o!.mean_change_mg_dl).toBeNull();
    expect(o!.tir_change_pct).toBeNull();
  });

  it('computes changes between readings, including the uploader’s sub-minute backfill steps', async () => {
    const enriched = await readAsset(home, intGlucoseEnriched);
    // No gap exceeds 15 min (the largest is 8.92 min), so only the first reading lacks a delta.
    expect(enriched.filter((r) => r.delta_mg_dl === null)).toHaveLength(1);
    const rates = enriched.map((r) => num(r.rate_mg_dl_per_min)).filter((r): r is number => r !== null);
    expect(rates).toHaveLength(145);
    // statistics.mean of the 145 rates.
    expect(rates.reduce((a, b) => a + b, 0) / rates.length).toBeCloseTo(-0.18647200490040491, 9);
    // The steepest: the reading at date 1589894803321 (13:26:43 UTC), −16 mg/dL over 6.2155 min.
    const steepest = enriched.find((r) => r.reading_ts === '2020-05-19 13:26:43.321+00')!;
    expect(num(steepest.delta_mg_dl)).toBe(-16);
    expect(num(steepest.rate_mg_dl_per_min)).toBeCloseTo(-2.5742096371973293, 9);
  });

  it('computes hourly quartiles the standard library computes', async () => {
    const hours = await readAsset(home, martGlucoseHourlyPatterns);
    // 2020-05-19 is a Tuesday (2); readings from 12h to 23h.
    expect(hours.map((h) => `${h.day_of_week} ${h.local_hour}`)).toEqual(
      [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23].map((h) => `2 ${h}`),
    );
    const at = (hour: number) => hours.find((h) => h.local_hour === hour)!;
    // 16h: 12 readings, mean 167.33333333333334, quartiles [160.25, 169.0, 175.5], TIR 100 %.
    expect(num(at(16).reading_count)).toBe(12);
    expect(num(at(16).mean_mg_dl)).toBeCloseTo(167.33333333333334, 9);
    expect([at(16).p25_mg_dl, at(16).median_mg_dl, at(16).p75_mg_dl].map(num)).toEqual([160.25, 169, 175.5]);
    expect(num(at(16).tir_pct)).toBeCloseTo(100, 9);
    // 22h: 14 readings, mean 66.07142857142857, quartiles [61.5, 65.0, 70.0], TIR 35.714285714285715 % (5 of 14).
    expect(num(at(22).reading_count)).toBe(14);
    expect(num(at(22).mean_mg_dl)).toBeCloseTo(66.07142857142857, 9);
    expect([at(22).p25_mg_dl, at(22).median_mg_dl, at(22).p75_mg_dl].map(num)).toEqual([61.5, 65, 70]);
    expect(num(at(22).tir_pct)).toBeCloseTo(35.714285714285715, 9);
  });
});
