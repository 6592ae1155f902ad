/**
 * The wearables models on small hand-made drops, one per rule whose edge matters: which days the baseline takes,
 * users with few or no active days, a user-day exported twice with different values, no time in bed, sleep without
 * activity, and the data-volume verdict at and beyond 30 %.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  martDailyHealthMetrics,
  martDataVolumeAnomaly,
  stgDailyActivity,
  stgSleep,
  userActivityDeviation,
  userBaselineActivity,
  userDailyActivity,
} from './assets.js';
import { crlf, num, workspace, type Row, type Workspace } from './wearables.test-helpers.js';

const DAILY_HEADER = 'Id,ActivityDate,TotalSteps,VeryActiveMinutes,FairlyActiveMinutes,LightlyActiveMinutes,SedentaryMinutes';
const SLEEP_HEADER = 'Id,SleepDay,TotalSleepRecords,TotalMinutesAsleep,TotalTimeInBed';
/** Day `d` of January 2024 as Fitbit writes it, and as DuckDB returns it. */
const us = (d: number) => `1/${d}/2024`;
const iso = (d: number) => `2024-01-${String(d).padStart(2, '0')}`;
/** A daily row whose activity minutes fill the day (1440 tracked minutes). */
const fullDay = (user: string, d: number, steps: number) => `${user},${us(d)},${steps},10,10,200,1220`;

describe('the baseline, its window and the deviations', () => {
  let ws: Workspace;
  const rows: Record<string, Row[]> = {};

  // User A, January 2024. The first 14 active days (steps > 0), in date order, skipping day 3 (0 steps: not worn)
  // and day 6 (no row at all); day 9's row also comes, partial, from a second export and must lose to the full one.
  const A_BASELINE: [number, number][] = [
    [1, 5000], [2, 7000], [4, 3000], [5, 9000], [7, 6000], [8, 8000], [9, 4000],
    [10, 10000], [11, 2000], [12, 11000], [13, 12000], [14, 1000], [15, 13000], [16, 14000],
  ];
  // Sorted: 1000 2000 3000 4000 5000 6000 7000 | 8000 9000 … 14000 → median (7000 + 8000) / 2 = 7500.
  // Day 17 is the 15th active day: were it in the window, the median would be its 8th value, 8000.
  const A_LATER: [number, number][] = [[17, 90000], [18, 3750], [19, 0], [20, 15000]];

  beforeAll(async () => {
    ws = await workspace('baseline');
    await ws.write(
      'dailyActivity_merged.csv',
      crlf([
        DAILY_HEADER,
        ...[...A_BASELINE, ...A_LATER].map(([d, steps]) => fullDay('A', d, steps)),
        `A,${us(3)},0,0,0,0,1440`,
        // B: two active days and one without steps.
        fullDay('B', 1, 4000), fullDay('B', 2, 0), fullDay('B', 3, 6000),
        // C: a tracker never worn.
        fullDay('C', 1, 0), fullDay('C', 2, 0),
      ]),
    );
    // A second export of day 9, taken at noon: fewer steps and minutes.
    await ws.write('midday/dailyActivity_merged.csv', crlf([DAILY_HEADER, `A,${us(9)},1500,0,0,80,640`]));
    await ws.write(
      'sleepDay_merged.csv',
      crlf([
        SLEEP_HEADER,
        `A,${us(1)},1,420,480`,
        `A,${us(2)},1,0,0`, // in bed 0 minutes: no efficiency
        `A,${us(2)},1,0,0`, // repeated exactly, as real exports do
        `D,${us(5)},1,300,400`, // a user with sleep and no activity
      ]),
    );
    await ws.write('midday/sleepDay_merged.csv', crlf([SLEEP_HEADER, `A,${us(1)},1,100,120`])); // a partial night
    await ws.materialize();
    for (const asset of [stgDailyActivity, stgSleep, userDailyActivity, userBaselineActivity, userActivityDeviation, martDailyHealthMetrics]) {
      rows[asset.key] = await ws.rows(asset);
    }
  });
  afterAll(() => ws?.remove());

  const of = (key: string, user: string, d?: number) =>
    rows[key]!.filter((r) => r.user_id === user && (d === undefined || (r.activity_date ?? r.sleep_date) === iso(d)));

  it('keeps the most complete row of a user-day exported twice', () => {
    const [day9] = of(stgDailyActivity.key, 'A', 9);
    expect(day9).toMatchObject({ steps: 4000, tracked_minutes: 1440, source_rows: 2, source_file: 'dailyActivity_merged.csv' });
    const [night1] = of(stgSleep.key, 'A', 1);
    expect(night1).toMatchObject({ minutes_asleep: 420, minutes_in_bed: 480, source_rows: 2 });
    expect(of(stgSleep.key, 'A', 2)).toHaveLength(1);
  });

  it('takes the median of the first 14 active days, skipping days without steps or without a row', () => {
    const [a] = of(userBaselineActivity.key, 'A');
    expect(a).toMatchObject({
      baseline_steps: 7500,
      baseline_start_date: iso(1),
      baseline_end_date: iso(16),
      baseline_active_days: 14,
      is_baseline_complete: true,
      recorded_days: 19,
      active_days: 17,
    });
    expect(of(userDailyActivity.key, 'A', 6)).toMatchObject([{ has_record: false, is_active_day: false, active_day_number: null }]);
    expect(of(userDailyActivity.key, 'A', 17)).toMatchObject([{ active_day_number: 15 }]);
  });

  it('gives a user with fewer than 14 active days the median of those, marked incomplete, and one with none no baseline', () => {
    expect(of(userBaselineActivity.key, 'B')).toMatchObject([
      { baseline_steps: 5000, baseline_start_date: iso(1), baseline_end_date: iso(3), baseline_active_days: 2, is_baseline_complete: false },
    ]);
    expect(of(userBaselineActivity.key, 'C')).toMatchObject([
      { baseline_steps: null, baseline_start_date: null, baseline_end_date: null, baseline_active_days: 0, is_baseline_complete: false },
    ]);
    expect(of(userActivityDeviation.key, 'C').every((d) => d.steps_ratio === null && d.in_baseline_window === false)).toBe(true);
    expect(of(userActivityDeviation.key, 'B', 2)).toMatchObject([{ steps_ratio: 0, steps_delta: -5000, in_baseline_window: true }]);
  });

  it('judges each day by the baseline: in the window, after it, ratio and delta', () => {
    const deviation = (d: number) => of(userActivityDeviation.key, 'A', d)[0]!;
    expect(deviation(6)).toMatchObject({ has_record: false, steps: null, steps_ratio: null, in_baseline_window: true });
    expect(deviation(16)).toMatchObject({ steps_ratio: 14000 / 7500, in_baseline_window: true, after_baseline_window: false });
    expect(deviation(18)).toMatchObject({ steps: 3750, steps_ratio: 0.5, steps_delta: -3750, in_baseline_window: false, after_baseline_window: true });
    expect(deviation(19)).toMatchObject({ steps_ratio: 0 });
    // Days 14 … 20: 1000 13000 14000 90000 3750 0 15000, all recorded.
    expect(num(deviation(20).rolling_7d_mean_steps)).toBeCloseTo(136750 / 7, 9);
    expect(deviation(20)).toMatchObject({ rolling_7d_recorded_days: 7 });
    // Days 1 … 7 hold 6 records: day 3 (0 steps) counts, day 6 (no row) does not.
    expect(deviation(7)).toMatchObject({ rolling_7d_recorded_days: 6 });
    expect(num(deviation(7).rolling_7d_mean_steps)).toBeCloseTo((5000 + 7000 + 0 + 3000 + 9000 + 6000) / 6, 9);
  });

  it('leaves sleep efficiency null for no time in bed, and keeps sleep of a user without activity', () => {
    const day = (user: string, d: number) => of(martDailyHealthMetrics.key, user, d)[0]!;
    expect(num(day('A', 1).sleep_efficiency)).toBeCloseTo(420 / 480, 12);
    expect(day('A', 2)).toMatchObject({ has_sleep_record: true, minutes_in_bed: 0, sleep_efficiency: null, minutes_awake_in_bed: 0 });
    expect(day('A', 4)).toMatchObject({ has_sleep_record: false, sleep_efficiency: null });
    expect(day('D', 5)).toMatchObject({
      has_activity_record: false,
      has_sleep_record: true,
      steps: null,
      is_active_day: false,
      hours_recorded: 0,
      in_baseline_window: false,
      sleep_efficiency: 0.75,
    });
  });
});

describe('the data volume verdict', () => {
  it('flags a day more than 30 % away from the mean of the 7 days before it, not one exactly 30 % away', async () => {
    const ws = await workspace('volume');
    try {
      // Users with a record per day of January 2024: 10 a day for days 1–8, then 13, 7, none, 10.
      const perDay = [10, 10, 10, 10, 10, 10, 10, 10, 13, 7, 0, 10];
      const lines = perDay.flatMap((users, i) => Array.from({ length: users }, (_, u) => fullDay(`U${u}`, i + 1, 5000 + u)));
      await ws.write('dailyActivity_merged.csv', crlf([DAILY_HEADER, ...lines]));
      await ws.materialize('+mart_data_volume_anomaly');
      const volume = await ws.rows(martDataVolumeAnomaly);
      expect(volume.map((d) => d.activity_date)).toEqual(perDay.map((_, i) => iso(i + 1)));
      expect(volume.map((d) => d.row_count)).toEqual(perDay);
      expect(volume.map((d) => d.trailing_7d_days)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7]);
      const verdicts = volume.map((d) => [d.activity_date, num(d.trailing_7d_mean_rows), num(d.deviation_pct), d.is_anomaly]);
      expect(verdicts.slice(0, 7).every(([, mean, pct, anomaly]) => mean === null && pct === null && anomaly === null)).toBe(true);
      const at = (d: number) => verdicts[d - 1]!;
      expect(at(8)).toEqual([iso(8), 10, 0, false]);
      expect(at(9)).toEqual([iso(9), 10, 30, false]); // 13 vs 10: exactly 30 %
      expect(at(10)[3]).toBe(true); // 7 vs 73/7 ≈ 10.43: −32.9 %
      expect(at(10)[2]).toBeCloseTo((100 * (7 - 73 / 7)) / (73 / 7), 9);
      expect(at(11)).toEqual([iso(11), 10, -100, true]); // none vs (50 + 13 + 7) / 7 = 10
      expect(at(12)[3]).toBe(false); // 10 vs 60/7 ≈ 8.57: +16.7 %
    } finally {
      await ws.remove();
    }
  });
});
