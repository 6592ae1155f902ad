/**
 * The Nightscout glucose models (stg_nightscout_glucose → … → marts) on a tiny hand-made fixture whose
 * expected values are worked out by hand in the comments. Runs in-process, without Temporal.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../framework/sql.js';
import { readAsset } from '../../engine/testing.js';
import { dailyPartitions } from '../../framework/index.js';
import { glucoseModelsFrom } from './glucose-models.test-helpers.js';
import { nightscoutAssetsFor } from './assets.js';

// The fixture's group keeps days in New York time (UTC−5 in January): a reading's local date, hour and weekday are
// its time there, and so is the day partition it belongs to.
const NEW_YORK = nightscoutAssetsFor(dailyPartitions({ start: '2023-12-01', timezone: 'America/New_York' }));
const { dimGlucoseDate, factGlucoseReadings, intGlucoseEnriched, martGlucoseHourlyPatterns, martGlucoseOverview, stgNightscoutGlucose } =
  NEW_YORK;

type Row = Record<string, unknown>;

interface RawEntry {
  subject: string;
  id: string;
  /** Reading time, ISO 8601 UTC. */
  at: string;
  sgv: number | null;
  type?: string;
  /** Uploader's UTC offset in minutes; null when the uploader sent none. */
  offset?: number | null;
}

/** SQL producing `raw_nightscout_entries`' columns and types from hand-written entries. */
function rawEntriesSql(entries: readonly RawEntry[]): string {
  const values = entries.map((e) =>
    [
      quoteLiteral(e.subject),
      quoteLiteral(e.id),
      quoteLiteral(e.type ?? 'sgv'),
      e.sgv ?? 'NULL',
      Date.parse(e.at),
      quoteLiteral(e.at),
      quoteLiteral('Flat'),
      4,
      quoteLiteral('xDrip-DexcomG6'),
      e.offset ?? 'NULL',
      quoteLiteral(e.at),
    ].join(', '),
  );
  return `
    SELECT subject_id::VARCHAR AS subject_id, _id::VARCHAR AS _id, type::VARCHAR AS type, sgv::INTEGER AS sgv,
           date::BIGINT AS date, date_string::VARCHAR AS date_string, direction::VARCHAR AS direction,
           trend::INTEGER AS trend, device::VARCHAR AS device, utc_offset::INTEGER AS utc_offset,
           sys_time::VARCHAR AS sys_time
    FROM (VALUES (${values.join('), (')}))
      AS t(subject_id, _id, type, sgv, date, date_string, direction, trend, device, utc_offset, sys_time)`;
}

/** DuckDB BIGINTs (counts) come back from readAsset as strings; doubles as numbers. */
function num(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function only(rows: Row[], match: Row): Row {
  const found = rows.filter((row) => Object.entries(match).every(([k, v]) => row[k] === v));
  expect(found, `exactly one row matching ${JSON.stringify(match)}`).toHaveLength(1);
  return found[0]!;
}

const A = 'subject_a';
const B = 'subject_b';

// subject_a (its uploader at UTC, or sending no offset): UTC 08:00–12:05 is 03:00–07:05 in New York, same dates.
//   Mon 2024-01-01: the eight consensus boundaries 5 min apart, then a 20-min gap, a 5-min and a 15-min step.
//   Tue 2024-01-02: no readings.  Wed 01-03, Thu 01-04: two readings each.  Fri–Sun: none.  Mon 01-08: two.
// subject_b (its uploader at UTC−5 too): UTC 2024-01-01 04:50 is New York Sun 2023-12-31 23:50.
const ENTRIES: RawEntry[] = [
  { subject: A, id: 'a-0101-0800', at: '2024-01-01T08:00:00Z', sgv: 53, offset: 0 },
  { subject: A, id: 'a-0101-0805', at: '2024-01-01T08:05:00Z', sgv: 54, offset: 0 },
  { subject: A, id: 'a-0101-0810', at: '2024-01-01T08:10:00Z', sgv: 69, offset: 0 },
  { subject: A, id: 'a-0101-0815', at: '2024-01-01T08:15:00Z', sgv: 70, offset: 0 },
  { subject: A, id: 'a-0101-0820', at: '2024-01-01T08:20:00Z', sgv: 180, offset: 0 },
  { subject: A, id: 'a-0101-0825', at: '2024-01-01T08:25:00Z', sgv: 181, offset: 0 },
  { subject: A, id: 'a-0101-0830', at: '2024-01-01T08:30:00Z', sgv: 250, offset: 0 },
  { subject: A, id: 'a-0101-0835', at: '2024-01-01T08:35:00Z', sgv: 251, offset: 0 },
  // Dropped, all inside the 08:35 → 08:55 gap (were any kept, 08:55 would not follow a 20-min gap):
  // a finger stick (with a plausible value, so only the type filter can drop it), a calibration, and sgv 19.
  { subject: A, id: 'a-0101-0840-mbg', at: '2024-01-01T08:40:00Z', sgv: 120, type: 'mbg', offset: 0 },
  { subject: A, id: 'a-0101-0845-cal', at: '2024-01-01T08:45:00Z', sgv: null, type: 'cal', offset: 0 },
  { subject: A, id: 'a-0101-0850', at: '2024-01-01T08:50:00Z', sgv: 19, offset: 0 },
  { subject: A, id: 'a-0101-0855', at: '2024-01-01T08:55:00Z', sgv: 90, offset: 0 },
  { subject: A, id: 'a-0101-0900', at: '2024-01-01T09:00:00Z', sgv: 100, offset: 0 },
  // The same reading sent again under a new _id: kept once (the first _id).
  { subject: A, id: 'a-0101-0900-resent', at: '2024-01-01T09:00:00Z', sgv: 100, offset: 0 },
  // Dropped: sgv 601 and an sgv entry without a value, inside the 09:00 → 09:15 step.
  { subject: A, id: 'a-0101-0905', at: '2024-01-01T09:05:00Z', sgv: 601, offset: 0 },
  { subject: A, id: 'a-0101-0910', at: '2024-01-01T09:10:00Z', sgv: null, offset: 0 },
  { subject: A, id: 'a-0101-0915', at: '2024-01-01T09:15:00Z', sgv: 110, offset: 0 },
  { subject: A, id: 'a-0103-1200', at: '2024-01-03T12:00:00Z', sgv: 150, offset: null },
  { subject: A, id: 'a-0103-1205', at: '2024-01-03T12:05:00Z', sgv: 170, offset: null },
  { subject: A, id: 'a-0104-1200', at: '2024-01-04T12:00:00Z', sgv: 170, offset: 0 },
  { subject: A, id: 'a-0104-1205', at: '2024-01-04T12:05:00Z', sgv: 190, offset: 0 },
  { subject: A, id: 'a-0108-0900', at: '2024-01-08T09:00:00Z', sgv: 120, offset: 0 },
  { subject: A, id: 'a-0108-0905', at: '2024-01-08T09:05:00Z', sgv: 190, offset: 0 },
  { subject: B, id: 'b-0101-0450', at: '2024-01-01T04:50:00Z', sgv: 200, offset: -300 }, // local Sun 12-31 23:50
  { subject: B, id: 'b-0101-0455', at: '2024-01-01T04:55:00Z', sgv: 210, offset: -300 }, // local Sun 12-31 23:55
  { subject: B, id: 'b-0101-0500', at: '2024-01-01T05:00:00Z', sgv: 220, offset: -300 }, // local Mon 01-01 00:00
  { subject: B, id: 'b-0101-0505', at: '2024-01-01T05:05:00Z', sgv: 230, offset: -300 }, // local Mon 01-01 00:05
  // Same instant as subject_a's first reading: a different subject, so not a duplicate. Local Mon 03:00.
  { subject: B, id: 'b-0101-0800', at: '2024-01-01T08:00:00Z', sgv: 60, offset: -300 },
];

describe('Nightscout glucose models on a hand-made fixture', () => {
  let home: string;
  const rows: Record<string, Row[]> = {};

  beforeAll(async () => {
    const models = await glucoseModelsFrom(rawEntriesSql(ENTRIES), NEW_YORK.all);
    home = models.home;
    const records = models.records;
    expect([...new Set(records.map((r) => r.asset))].sort()).toEqual([
      'dim_glucose_date',
      'fact_glucose_readings',
      'int_glucose_enriched',
      'mart_glucose_hourly_patterns',
      'mart_glucose_overview',
      'stg_nightscout_glucose',
    ]);
    for (const asset of [
      stgNightscoutGlucose,
      intGlucoseEnriched,
      factGlucoseReadings,
      dimGlucoseDate,
      martGlucoseOverview,
      martGlucoseHourlyPatterns,
    ]) {
      rows[asset.key] = await readAsset(home, asset);
    }
  });

  afterAll(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  describe('stg_nightscout_glucose', () => {
    it('keeps only sgv entries within 20–600 mg/dL and one reading per subject and time', () => {
      const stg = rows.stg_nightscout_glucose!;
      // 28 raw entries − mbg − cal − sgv 19 − sgv 601 − sgv null − the resent 09:00 duplicate = 22.
      expect(stg).toHaveLength(22);
      expect(stg.filter((r) => r.subject_id === A)).toHaveLength(17); // 11 on 01-01 + 2 + 2 + 2
      expect(stg.filter((r) => r.subject_id === B)).toHaveLength(5);
      const ids = stg.map((r) => r.entry_id);
      for (const dropped of ['a-0101-0840-mbg', 'a-0101-0845-cal', 'a-0101-0850', 'a-0101-0905', 'a-0101-0910']) {
        expect(ids).not.toContain(dropped);
      }
      const sgvs = stg.map((r) => num(r.sgv_mg_dl)!);
      expect(Math.min(...sgvs)).toBe(53);
      expect(Math.max(...sgvs)).toBe(251);
    });

    it('keeps a reading sent twice under different _ids once, under the first _id', () => {
      const at0900 = rows.stg_nightscout_glucose!.filter(
        (r) => r.subject_id === A && String(r.entry_id).startsWith('a-0101-0900'),
      );
      expect(at0900).toHaveLength(1);
      expect(at0900[0]!.entry_id).toBe('a-0101-0900');
      expect(num(at0900[0]!.sgv_mg_dl)).toBe(100);
    });

    it('keeps readings of different subjects at the same instant', () => {
      const at0800 = rows.stg_nightscout_glucose!.filter((r) => String(r.reading_ts).startsWith('2024-01-01 08:00:00'));
      expect(at0800.map((r) => r.subject_id).sort()).toEqual([A, B]);
    });
  });

  describe('int_glucose_enriched', () => {
    it('assigns the consensus category at each boundary value', () => {
      const category = (sgv: number) =>
        only(rows.int_glucose_enriched!, { subject_id: A, local_date: '2024-01-01', sgv_mg_dl: sgv }).glucose_category;
      expect(category(53)).toBe('very_low');
      expect(category(54)).toBe('low');
      expect(category(69)).toBe('low');
      expect(category(70)).toBe('in_range');
      expect(category(180)).toBe('in_range');
      expect(category(181)).toBe('high');
      expect(category(250)).toBe('high');
      expect(category(251)).toBe('very_high');
    });

    it('computes change and rate of change from the previous reading, null after a gap over 15 minutes', () => {
      const byId = (id: string) => only(rows.int_glucose_enriched!, { entry_id: id });
      // The subject's first reading has no previous one.
      expect(byId('a-0101-0800').delta_mg_dl).toBeNull();
      expect(byId('a-0101-0800').rate_mg_dl_per_min).toBeNull();
      expect(byId('a-0101-0800').minutes_since_previous).toBeNull();
      // 5-min steps: 53 → 54 is +1, 1/5 = 0.2 mg/dL/min; 69 → 70 ditto; 70 → 180 is +110, 110/5 = 22.
      expect(num(byId('a-0101-0805').delta_mg_dl)).toBe(1);
      expect(num(byId('a-0101-0805').rate_mg_dl_per_min)).toBeCloseTo(0.2, 10);
      expect(num(byId('a-0101-0805').minutes_since_previous)).toBeCloseTo(5, 10);
      expect(num(byId('a-0101-0820').delta_mg_dl)).toBe(110);
      expect(num(byId('a-0101-0820').rate_mg_dl_per_min)).toBeCloseTo(22, 10);
      // 08:35 → 08:55 is 20 min (the mbg, cal and sgv 19 in between are dropped): no delta, no rate.
      expect(num(byId('a-0101-0855').minutes_since_previous)).toBeCloseTo(20, 10);
      expect(byId('a-0101-0855').delta_mg_dl).toBeNull();
      expect(byId('a-0101-0855').rate_mg_dl_per_min).toBeNull();
      // 08:55 → 09:00, 90 → 100: +10 over 5 min = 2 mg/dL/min.
      expect(num(byId('a-0101-0900').delta_mg_dl)).toBe(10);
      expect(num(byId('a-0101-0900').rate_mg_dl_per_min)).toBeCloseTo(2, 10);
      // 09:00 → 09:15 is exactly 15 min (sgv 601 and the null sgv in between are dropped): not over 15, so
      // 100 → 110 gives +10 and 10/15 = 0.6667 mg/dL/min.
      expect(num(byId('a-0101-0915').minutes_since_previous)).toBeCloseTo(15, 10);
      expect(num(byId('a-0101-0915').delta_mg_dl)).toBe(10);
      expect(num(byId('a-0101-0915').rate_mg_dl_per_min)).toBeCloseTo(10 / 15, 10);
      // 01-01 09:15 → 01-03 12:00 is two days: null; then 150 → 170 in 5 min = +20, 4 mg/dL/min.
      expect(byId('a-0103-1200').delta_mg_dl).toBeNull();
      expect(num(byId('a-0103-1205').delta_mg_dl)).toBe(20);
      expect(num(byId('a-0103-1205').rate_mg_dl_per_min)).toBeCloseTo(4, 10);
      // subject_b: the step across local midnight (23:55 → 00:00) is an ordinary 5-min step: 210 → 220.
      expect(byId('b-0101-0450').delta_mg_dl).toBeNull();
      expect(num(byId('b-0101-0500').delta_mg_dl)).toBe(10);
      expect(num(byId('b-0101-0500').rate_mg_dl_per_min)).toBeCloseTo(2, 10);
      // 05:05 → 08:00 UTC is 175 min: null. Its previous reading is subject_b's own, not subject_a's.
      expect(num(byId('b-0101-0800').minutes_since_previous)).toBeCloseTo(175, 10);
      expect(byId('b-0101-0800').delta_mg_dl).toBeNull();
    });

    it('derives local date, hour and weekday in the partitions’ time zone', () => {
      const local = (id: string) => {
        const r = only(rows.int_glucose_enriched!, { entry_id: id });
        return [r.local_date, r.local_hour, r.day_of_week];
      };
      // UTC Mon 2024-01-01 04:55 − 5 h = local Sun 2023-12-31 23:55 (weekday 0 = Sunday).
      expect(local('b-0101-0455')).toEqual(['2023-12-31', 23, 0]);
      // UTC 05:00 − 5 h = local Mon 2024-01-01 00:00.
      expect(local('b-0101-0500')).toEqual(['2024-01-01', 0, 1]);
      expect(local('b-0101-0800')).toEqual(['2024-01-01', 3, 1]);
      // subject_a, whatever its uploader's offset (0, or none at all): UTC 09:15 is 04:15 in New York.
      expect(local('a-0101-0915')).toEqual(['2024-01-01', 4, 1]);
      expect(local('a-0103-1205')).toEqual(['2024-01-03', 7, 3]);
    });
  });

  describe('fact_glucose_readings', () => {
    it('has one row per kept reading and flags 70–180 mg/dL inclusive as in range', () => {
      const fact = rows.fact_glucose_readings!;
      expect(fact).toHaveLength(22);
      const inRange = (sgv: number) => only(fact, { subject_id: A, local_date: '2024-01-01', sgv_mg_dl: sgv }).is_in_range;
      expect([69, 70, 180, 181].map(inRange)).toEqual([false, true, true, false]);
    });
  });

  describe('dim_glucose_date', () => {
    const day = (subject: string, date: string) => only(rows.dim_glucose_date!, { subject_id: subject, local_date: date });

    it('has one row per subject and local day with readings', () => {
      // Read across the day partitions: day by day, each day's rows by subject.
      expect(rows.dim_glucose_date!.map((r) => `${r.subject_id} ${r.local_date}`).sort()).toEqual([
        `${A} 2024-01-01`,
        `${A} 2024-01-03`,
        `${A} 2024-01-04`,
        `${A} 2024-01-08`,
        `${B} 2023-12-31`,
        `${B} 2024-01-01`,
      ]);
    });

    it('computes the daily metrics of a day of boundary values', () => {
      const d = day(A, '2024-01-01');
      // Readings: 53 54 69 70 180 181 250 251 90 100 110 → n = 11, sum = 1108 + 300 = 1408, mean = 128.
      expect(num(d.reading_count)).toBe(11);
      expect(num(d.coverage_pct)).toBeCloseTo((100 * 11) / 288, 10); // 3.8194 %
      expect(num(d.mean_mg_dl)).toBeCloseTo(128, 10);
      // Deviations −75 −74 −59 −58 52 53 122 123 −38 −28 −18; squares 5625 5476 3481 3364 2704 2809 14884 15129
      // 1444 784 324 sum to 56024; sample variance 56024 / 10 = 5602.4; SD = √5602.4 = 74.84918.
      expect(num(d.sd_mg_dl)).toBeCloseTo(Math.sqrt(5602.4), 8);
      expect(num(d.sd_mg_dl)).toBeCloseTo(74.84918, 4);
      // CV = 100 · 74.84918 / 128 = 58.47592 %.
      expect(num(d.cv_pct)).toBeCloseTo(58.47592, 4);
      expect(num(d.min_mg_dl)).toBe(53);
      expect(num(d.max_mg_dl)).toBe(251);
      // In 70–180: 70 180 90 100 110 → 5/11 = 45.4545 %. Below 70: 53 54 69 → 3/11 = 27.2727 %; below 54: 53 →
      // 1/11 = 9.0909 %. Above 180: 181 250 251 → 3/11; above 250: 251 → 1/11. (5 + 3 + 3 = 11.)
      expect(num(d.tir_pct)).toBeCloseTo((100 * 5) / 11, 10);
      expect(num(d.tbr_pct)).toBeCloseTo((100 * 3) / 11, 10);
      expect(num(d.tbr_level2_pct)).toBeCloseTo((100 * 1) / 11, 10);
      expect(num(d.tar_pct)).toBeCloseTo((100 * 3) / 11, 10);
      expect(num(d.tar_level2_pct)).toBeCloseTo((100 * 1) / 11, 10);
      // GMI = 3.31 + 0.02392 · 128 = 3.31 + 3.06176 = 6.37176 %.
      expect(num(d.gmi_pct)).toBeCloseTo(6.37176, 10);
    });

    it('computes the daily metrics of two-reading days', () => {
      // 150, 170: mean 160; SD = √((10² + 10²)/1) = √200 = 14.14214; CV = 1414.214/160 = 8.83883 %;
      // all in range; GMI = 3.31 + 0.02392 · 160 = 3.31 + 3.8272 = 7.1372.
      const wed = day(A, '2024-01-03');
      expect(num(wed.reading_count)).toBe(2);
      expect(num(wed.coverage_pct)).toBeCloseTo((100 * 2) / 288, 10); // 0.6944 %
      expect(num(wed.mean_mg_dl)).toBeCloseTo(160, 10);
      expect(num(wed.sd_mg_dl)).toBeCloseTo(Math.SQRT2 * 10, 8);
      expect(num(wed.cv_pct)).toBeCloseTo(8.83883, 4);
      expect(num(wed.tir_pct)).toBeCloseTo(100, 10);
      expect(num(wed.tbr_pct)).toBeCloseTo(0, 10);
      expect(num(wed.tar_pct)).toBeCloseTo(0, 10);
      expect(num(wed.gmi_pct)).toBeCloseTo(7.1372, 10);
      // 120, 190: mean 155; SD = √(35² + 35²) = √2450 = 49.49747; CV = 31.93385 %; 190 is high (> 180, ≤ 250):
      // TIR 50 %, TAR 50 %, level-2 TAR 0 %; GMI = 3.31 + 0.02392 · 155 = 3.31 + 3.7076 = 7.0176.
      const mon = day(A, '2024-01-08');
      expect(num(mon.sd_mg_dl)).toBeCloseTo(49.49747, 4);
      expect(num(mon.cv_pct)).toBeCloseTo(31.93385, 4);
      expect(num(mon.tir_pct)).toBeCloseTo(50, 10);
      expect(num(mon.tar_pct)).toBeCloseTo(50, 10);
      expect(num(mon.tar_level2_pct)).toBeCloseTo(0, 10);
      expect(num(mon.gmi_pct)).toBeCloseTo(7.0176, 10);
    });

    it('assigns readings to their day in the partitions’ time zone', () => {
      // subject_b, local Sun 2023-12-31: 200, 210 → mean 205, SD √50 = 7.07107, CV 3.44930 %, all > 180.
      const sun = day(B, '2023-12-31');
      expect(num(sun.reading_count)).toBe(2);
      expect(num(sun.mean_mg_dl)).toBeCloseTo(205, 10);
      expect(num(sun.sd_mg_dl)).toBeCloseTo(Math.sqrt(50), 8);
      expect(num(sun.cv_pct)).toBeCloseTo(3.4493, 4);
      expect(num(sun.tar_pct)).toBeCloseTo(100, 10);
      expect(num(sun.tar_level2_pct)).toBeCloseTo(0, 10);
      expect(num(sun.gmi_pct)).toBeCloseTo(3.31 + 0.02392 * 205, 10); // 8.2136
      // local Mon 2024-01-01: 220, 230, 60 → mean 170; deviations 50 60 −110, squares 2500 3600 12100 = 18200,
      // variance 9100, SD 95.39392, CV 56.11407 %; 60 is low (54–69): TBR 1/3, level-2 TBR 0; TAR 2/3, level-2 0.
      const mon = day(B, '2024-01-01');
      expect(num(mon.reading_count)).toBe(3);
      expect(num(mon.coverage_pct)).toBeCloseTo((100 * 3) / 288, 10); // 1.0417 %
      expect(num(mon.mean_mg_dl)).toBeCloseTo(170, 10);
      expect(num(mon.sd_mg_dl)).toBeCloseTo(95.39392, 4);
      expect(num(mon.cv_pct)).toBeCloseTo(56.11407, 4);
      expect(num(mon.min_mg_dl)).toBe(60);
      expect(num(mon.max_mg_dl)).toBe(230);
      expect(num(mon.tir_pct)).toBeCloseTo(0, 10);
      expect(num(mon.tbr_pct)).toBeCloseTo(100 / 3, 10);
      expect(num(mon.tbr_level2_pct)).toBeCloseTo(0, 10);
      expect(num(mon.tar_pct)).toBeCloseTo(200 / 3, 10);
      expect(num(mon.tar_level2_pct)).toBeCloseTo(0, 10);
      expect(num(mon.gmi_pct)).toBeCloseTo(7.3764, 10); // 3.31 + 0.02392 · 170 = 3.31 + 4.0664
    });
  });

  describe('mart_glucose_overview', () => {
    const day = (subject: string, date: string) =>
      only(rows.mart_glucose_overview!, { subject_id: subject, local_date: date });

    it('carries the daily metrics of dim_glucose_date', () => {
      expect(rows.mart_glucose_overview!).toHaveLength(rows.dim_glucose_date!.length);
      for (const d of rows.dim_glucose_date!) {
        const o = day(String(d.subject_id), String(d.local_date));
        for (const column of Object.keys(d)) expect(o[column], column).toEqual(d[column]);
      }
    });

    it('computes the rolling GMI from all readings of the 7 calendar days ending that day', () => {
      // 01-01: window 12-26..01-01 holds only 01-01: mean 128 → 6.37176.
      expect(num(day(A, '2024-01-01').rolling_7d_days)).toBe(1);
      expect(num(day(A, '2024-01-01').rolling_7d_gmi_pct)).toBeCloseTo(6.37176, 10);
      // 01-03 (01-02 has no readings): 01-01 and 01-03, sum 1408 + 320 = 1728 over 11 + 2 = 13 readings,
      // mean 132.92308 (not the mean of daily means, 144) → 3.31 + 0.02392 · 1728/13 = 3.31 + 3.17952 = 6.48952.
      expect(num(day(A, '2024-01-03').rolling_7d_days)).toBe(2);
      expect(num(day(A, '2024-01-03').rolling_7d_gmi_pct)).toBeCloseTo(6.48952, 10);
      // 01-04: + 170 + 190 → 2088 / 15 = 139.2 → 3.31 + 3.329664 = 6.639664.
      expect(num(day(A, '2024-01-04').rolling_7d_days)).toBe(3);
      expect(num(day(A, '2024-01-04').rolling_7d_gmi_pct)).toBeCloseTo(6.639664, 10);
      // 01-08: window 01-02..01-08 drops 01-01 (calendar days, not the last 7 rows): 01-03, 01-04, 01-08,
      // sum 320 + 360 + 310 = 990 over 6 → mean 165 → 3.31 + 0.02392 · 165 = 3.31 + 3.9468 = 7.2568.
      expect(num(day(A, '2024-01-08').rolling_7d_days)).toBe(3);
      expect(num(day(A, '2024-01-08').rolling_7d_gmi_pct)).toBeCloseTo(7.2568, 10);
      // subject_b is a window of its own: 12-31 mean 205 → 8.2136; 01-01: (410 + 510) / 5 = 184 → 3.31 + 4.40128.
      expect(num(day(B, '2023-12-31').rolling_7d_gmi_pct)).toBeCloseTo(8.2136, 10);
      expect(num(day(B, '2024-01-01').rolling_7d_gmi_pct)).toBeCloseTo(7.71128, 10);
    });

    it('computes day-over-day changes only when the previous calendar day has readings', () => {
      // 01-01 is subject_a's first day; 01-03 follows 01-02, which has no readings; 01-08 follows an empty 01-07.
      for (const date of ['2024-01-01', '2024-01-03', '2024-01-08']) {
        expect(day(A, date).mean_change_mg_dl, date).toBeNull();
        expect(day(A, date).tir_change_pct, date).toBeNull();
      }
      // 01-04 vs 01-03: mean 180 − 160 = +20 mg/dL; TIR 50 − 100 = −50 points.
      expect(num(day(A, '2024-01-04').mean_change_mg_dl)).toBeCloseTo(20, 10);
      expect(num(day(A, '2024-01-04').tir_change_pct)).toBeCloseTo(-50, 10);
      // subject_b 01-01 vs 12-31 (across the year, local days): 170 − 205 = −35; TIR 0 − 0 = 0.
      expect(day(B, '2023-12-31').mean_change_mg_dl).toBeNull();
      expect(num(day(B, '2024-01-01').mean_change_mg_dl)).toBeCloseTo(-35, 10);
      expect(num(day(B, '2024-01-01').tir_change_pct)).toBeCloseTo(0, 10);
    });
  });

  describe('mart_glucose_hourly_patterns', () => {
    const slot = (subject: string, dayOfWeek: number, hour: number) =>
      only(rows.mart_glucose_hourly_patterns!, { subject_id: subject, day_of_week: dayOfWeek, local_hour: hour });

    it('has one row per subject, local weekday and hour with readings', () => {
      expect(rows.mart_glucose_hourly_patterns!.map((r) => `${r.subject_id} ${r.day_of_week} ${r.local_hour}`)).toEqual([
        `${A} 1 3`,
        `${A} 1 4`,
        `${A} 3 7`,
        `${A} 4 7`,
        `${B} 0 23`,
        `${B} 1 0`,
        `${B} 1 3`,
      ]);
    });

    it('computes continuous quartiles across weeks of the same weekday and hour', () => {
      // Mondays 09h UTC, 04h in New York: 01-01 100, 110 and 01-08 120, 190 → sorted 100 110 120 190, n = 4, mean 520/4 = 130.
      // Type-7 positions (n−1)·p: 0.75 → 100 + 0.75·10 = 107.5; 1.5 → 110 + 0.5·10 = 115; 2.25 → 120 + 0.25·70 = 137.5.
      // In range: 100 110 120 → 75 %.
      const mon9 = slot(A, 1, 4);
      expect(num(mon9.reading_count)).toBe(4);
      expect(num(mon9.mean_mg_dl)).toBeCloseTo(130, 10);
      expect(num(mon9.p25_mg_dl)).toBeCloseTo(107.5, 10);
      expect(num(mon9.median_mg_dl)).toBeCloseTo(115, 10);
      expect(num(mon9.p75_mg_dl)).toBeCloseTo(137.5, 10);
      expect(num(mon9.tir_pct)).toBeCloseTo(75, 10);
      // Monday 08h UTC, 03h in New York: 53 54 69 70 90 180 181 250 251, n = 9, mean 1198/9 = 133.111; positions 2, 4, 6 fall on
      // values: 69, 90, 181. In range: 70 90 180 → 3/9 = 33.33 %.
      const mon8 = slot(A, 1, 3);
      expect(num(mon8.reading_count)).toBe(9);
      expect(num(mon8.mean_mg_dl)).toBeCloseTo(1198 / 9, 10);
      expect([mon8.p25_mg_dl, mon8.median_mg_dl, mon8.p75_mg_dl].map(num)).toEqual([69, 90, 181]);
      expect(num(mon8.tir_pct)).toBeCloseTo(100 / 3, 10);
    });

    it('places readings in the local weekday and hour', () => {
      // subject_b local Sun 23h: 200, 210 → p25 202.5, median 205, p75 207.5; none in range.
      const sun23 = slot(B, 0, 23);
      expect(num(sun23.reading_count)).toBe(2);
      expect([sun23.p25_mg_dl, sun23.median_mg_dl, sun23.p75_mg_dl].map(num)).toEqual([202.5, 205, 207.5]);
      expect(num(sun23.tir_pct)).toBeCloseTo(0, 10);
      // Local Mon 00h: 220, 230 → 222.5 / 225 / 227.5. Local Mon 03h: the single 60.
      const mon0 = slot(B, 1, 0);
      expect([mon0.p25_mg_dl, mon0.median_mg_dl, mon0.p75_mg_dl].map(num)).toEqual([222.5, 225, 227.5]);
      const mon3 = slot(B, 1, 3);
      expect([mon3.reading_count, mon3.p25_mg_dl, mon3.median_mg_dl, mon3.p75_mg_dl].map(num)).toEqual([1, 60, 60, 60]);
    });
  });
});

describe('Nightscout glucose models on a day of one-minute readings', () => {
  let home: string;

  beforeAll(async () => {
    // 300 readings one minute apart from 2024-02-01 00:00 UTC (a Thursday): 20, 600, then 298 × 100 mg/dL.
    ({ home } = await glucoseModelsFrom(
      `SELECT 'subject_c'::VARCHAR AS subject_id, ('c-' || i)::VARCHAR AS _id, 'sgv'::VARCHAR AS type,
              (CASE i WHEN 0 THEN 20 WHEN 1 THEN 600 ELSE 100 END)::INTEGER AS sgv,
              (1706745600000 + i * 60000)::BIGINT AS date, NULL::VARCHAR AS date_string, 'Flat'::VARCHAR AS direction,
              4::INTEGER AS trend, 'test'::VARCHAR AS device, 0::INTEGER AS utc_offset, NULL::VARCHAR AS sys_time
       FROM range(300) AS r(i)`,
    ));
  });

  afterAll(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('keeps readings of exactly 20 and 600 mg/dL', async () => {
    const stg = await readAsset(home, stgNightscoutGlucose);
    expect(stg).toHaveLength(300);
    const [d] = await readAsset(home, dimGlucoseDate);
    expect([d!.min_mg_dl, d!.max_mg_dl].map(num)).toEqual([20, 600]);
  });

  it('caps coverage at 100 % when a day has more than 288 readings', async () => {
    const days = await readAsset(home, dimGlucoseDate);
    expect(days).toHaveLength(1);
    expect(days[0]!.local_date).toBe('2024-02-01');
    expect(num(days[0]!.reading_count)).toBe(300);
    expect(num(days[0]!.coverage_pct)).toBeCloseTo(100, 10); // 300/288 = 104.2 %, capped
    // mean = (20 + 600 + 298·100) / 300 = 30420 / 300 = 101.4; TBR 1/300 (20 < 54 too), TAR 1/300 (600 > 250 too).
    expect(num(days[0]!.mean_mg_dl)).toBeCloseTo(101.4, 10);
    expect(num(days[0]!.tbr_level2_pct)).toBeCloseTo(100 / 300, 10);
    expect(num(days[0]!.tar_level2_pct)).toBeCloseTo(100 / 300, 10);
    expect(num(days[0]!.tir_pct)).toBeCloseTo((100 * 298) / 300, 10);
  });

  it('computes the rate of change over one-minute steps', async () => {
    const enriched = await readAsset(home, intGlucoseEnriched);
    // c-1: 20 → 600 in 1 min = +580 mg/dL/min; c-2: 600 → 100 = −500 mg/dL/min.
    expect(num(only(enriched, { entry_id: 'c-1' }).rate_mg_dl_per_min)).toBeCloseTo(580, 10);
    expect(num(only(enriched, { entry_id: 'c-2' }).rate_mg_dl_per_min)).toBeCloseTo(-500, 10);
  });
});
