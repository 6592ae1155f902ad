/**
 * The wearables group materialized in-process (no Temporal) on the real Fitbit excerpt of
 * `test/fixtures/wearables/` (three users, 2016-04-12 → 05-12; see its README): every asset passes its suites, and
 * the baseline, deviations, hourly summaries and sleep efficiency come out as computed by hand or from the files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaterializationRecord } from '../../engine/publish.js';
import {
  dailyUserSummary,
  martDailyHealthMetrics,
  martDataVolumeAnomaly,
  stgDailyActivity,
  stgSleep,
  userActivityDeviation,
  userBaselineActivity,
  userDailyActivity,
  wearablesAssets,
} from './assets.js';
import { copyFixtures, num, readFixture, workspace, type Row, type Workspace } from './wearables.test-helpers.js';

const FULL = '1503960366';
const SHORT = '4057192912';
const SLEEPER = '8378563200';

let ws: Workspace;
let records: MaterializationRecord[];
const rows: Record<string, Row[]> = {};
const find = (key: string, user: string, date: string, dateColumn = 'activity_date') =>
  rows[key]!.find((r) => r.user_id === user && r[dateColumn] === date);

beforeAll(async () => {
  ws = await workspace('excerpt');
  await copyFixtures(ws);
  records = await ws.materialize();
  for (const asset of wearablesAssets) rows[asset.key] = await ws.rows(asset);
});
afterAll(() => ws?.remove());

describe('group wearables on the real excerpt', () => {
  it('materializes every asset, each model passing its suite', () => {
    expect(records.map((r) => r.asset).sort()).toEqual(wearablesAssets.map((a) => a.key).sort());
    for (const asset of wearablesAssets.filter((a) => a.layer !== 'raw')) {
      const record = records.find((r) => r.asset === asset.key)!;
      expect(asset.suites, asset.key).toEqual([`expectations/suites/${asset.key}.json`]);
      expect(record.checks, asset.key).toMatchObject({ success: true, failed: 0 });
      expect(record.checks!.evaluated, asset.key).toBeGreaterThanOrEqual(6);
    }
  });

  it('keeps one row per user-day: the repeated sleep row once', () => {
    expect(rows[stgDailyActivity.key]).toHaveLength(66);
    expect(rows[stgSleep.key]).toHaveLength(56);
    expect(find(stgSleep.key, SLEEPER, '2016-04-25', 'sleep_date')).toMatchObject({
      minutes_asleep: 388,
      minutes_in_bed: 402,
      source_rows: 2,
    });
  });

  it('summarizes each day’s hourly steps from the hourly file', async () => {
    const hourly = (await readFixture('hourlySteps_merged.csv')).trimEnd().split('\r\n').slice(1).map((l) => l.split(','));
    const hoursOf = (user: string, usDate: string) =>
      hourly.filter(([id, hour]) => id === user && hour!.startsWith(`${usDate} `)).map(([, , steps]) => Number(steps));
    const checked: [string, string, string][] = [
      [FULL, '4/12/2016', '2016-04-12'],
      [SLEEPER, '4/20/2016', '2016-04-20'],
      [SLEEPER, '5/12/2016', '2016-05-12'],
      [SHORT, '4/14/2016', '2016-04-14'],
    ];
    for (const [user, usDate, date] of checked) {
      const hours = hoursOf(user, usDate);
      const day = find(stgDailyActivity.key, user, date)!;
      const sum = hours.reduce((a, b) => a + b, 0);
      expect(num(day.hourly_steps), `${user} ${date}`).toBe(sum);
      expect(num(day.hours_recorded), `${user} ${date}`).toBe(hours.length);
      expect(num(day.active_hours), `${user} ${date}`).toBe(hours.filter((s) => s >= 250).length);
      expect(day.hourly_steps_match, `${user} ${date}`).toBe(sum === day.steps);
    }
    // The export stops at 2:00 PM on its last day: 15 hours, fewer steps than the daily total.
    expect(find(stgDailyActivity.key, SLEEPER, '2016-05-12')).toMatchObject({ steps: 4561, hourly_steps: 4056, hours_recorded: 15, hourly_steps_match: false });
    // A daily row without hourly rows.
    expect(find(stgDailyActivity.key, FULL, '2016-05-12')).toMatchObject({ steps: 0, hourly_steps: null, hours_recorded: 0, active_hours: null, hourly_steps_match: null });
  });

  it('runs each user’s calendar to the end of the export, so a user who stopped syncing has days without a record', () => {
    const days = rows[userDailyActivity.key]!;
    expect(days).toHaveLength(3 * 31);
    const short = days.filter((d) => d.user_id === SHORT);
    expect(short).toHaveLength(31);
    expect(short.filter((d) => d.has_record)).toHaveLength(4);
    expect(short.map((d) => [d.activity_date, d.is_active_day, num(d.active_day_number)]).slice(0, 5)).toEqual([
      ['2016-04-12', true, 1],
      ['2016-04-13', true, 2],
      ['2016-04-14', false, null],
      ['2016-04-15', true, 3],
      ['2016-04-16', false, null],
    ]);
    expect(find(userDailyActivity.key, SHORT, '2016-05-12')).toMatchObject({ has_record: false, steps: null, day_number: 31 });
  });

  it('takes the median of the first 14 active days as the baseline, computed by hand', () => {
    // 1503960366, 2016-04-12 … 04-25, sorted: 9705 9762 9819 10039 10460 10544 10735 | 12669 12764 13019 13162 14371
    // 15355 15506 → (10735 + 12669) / 2.
    expect(rows[userBaselineActivity.key]!.find((b) => b.user_id === FULL)).toMatchObject({
      baseline_steps: 11702,
      baseline_start_date: '2016-04-12',
      baseline_end_date: '2016-04-25',
      baseline_active_days: 14,
      is_baseline_complete: true,
      recorded_days: 31,
      active_days: 30,
    });
    // 8378563200, 04-12 … 04-25: 2132 3703 5709 7626 9388 11207 12200 | 12386 … → (12200 + 12386) / 2.
    expect(num(rows[userBaselineActivity.key]!.find((b) => b.user_id === SLEEPER)!.baseline_steps)).toBe(12293);
    // 4057192912 has 3 active days (5394, 5974, 3984; 04-14 has none): their median, marked incomplete.
    expect(rows[userBaselineActivity.key]!.find((b) => b.user_id === SHORT)).toMatchObject({
      baseline_steps: 5394,
      baseline_start_date: '2016-04-12',
      baseline_end_date: '2016-04-15',
      baseline_active_days: 3,
      is_baseline_complete: false,
    });
  });

  it('sets each day against the baseline: ratio, delta, window flags and the 7-day mean', () => {
    expect(find(userActivityDeviation.key, FULL, '2016-04-25')).toMatchObject({ in_baseline_window: true, after_baseline_window: false });
    const after = find(userActivityDeviation.key, FULL, '2016-04-26')!;
    expect(after).toMatchObject({ steps: 13755, in_baseline_window: false, after_baseline_window: true });
    expect(num(after.steps_ratio)).toBeCloseTo(13755 / 11702, 12);
    expect(num(after.steps_delta)).toBe(13755 - 11702);
    const week = [13162, 10735, 10460, 9762, 12669, 9705, 13019]; // 04-12 … 04-18
    const fourEighteen = find(userActivityDeviation.key, FULL, '2016-04-18')!;
    expect(num(fourEighteen.rolling_7d_mean_steps)).toBeCloseTo(week.reduce((a, b) => a + b) / 7, 9);
    expect(num(fourEighteen.rolling_7d_steps_ratio)).toBeCloseTo(week.reduce((a, b) => a + b) / 7 / 11702, 12);
    // The tracker not worn: ratio 0. No record at all: no ratio.
    expect(find(userActivityDeviation.key, FULL, '2016-05-12')).toMatchObject({ steps: 0, steps_ratio: 0, steps_delta: -11702 });
    expect(find(userActivityDeviation.key, SHORT, '2016-04-14')).toMatchObject({ in_baseline_window: true, steps_ratio: 0 });
    expect(find(userActivityDeviation.key, SHORT, '2016-04-20')).toMatchObject({ has_record: false, steps_ratio: null, steps_delta: null, in_baseline_window: false });
  });

  it('joins sleep per user-day and computes sleep efficiency = asleep / in bed', () => {
    expect(rows[dailyUserSummary.key]).toHaveLength(93);
    const night = rows[martDailyHealthMetrics.key]!.find((r) => r.user_id === FULL && r.activity_date === '2016-04-12')!;
    expect(night).toMatchObject({ has_activity_record: true, has_sleep_record: true, steps: 13162, minutes_asleep: 327, minutes_in_bed: 346, minutes_awake_in_bed: 19 });
    expect(num(night.sleep_efficiency)).toBeCloseTo(327 / 346, 12);
    expect(num(night.hours_asleep)).toBeCloseTo(5.45, 12);
    const noSleep = rows[martDailyHealthMetrics.key]!.filter((r) => r.user_id === SHORT);
    expect(noSleep.every((r) => r.has_sleep_record === false && r.sleep_efficiency === null)).toBe(true);
  });

  it('counts users with a record per day and judges no day before it has 7 earlier days', () => {
    const volume = rows[martDataVolumeAnomaly.key]!;
    expect(volume).toHaveLength(31);
    expect(volume.slice(0, 5).map((d) => num(d.row_count))).toEqual([3, 3, 3, 3, 2]);
    expect(volume.slice(0, 7).every((d) => d.is_anomaly === null && d.trailing_7d_mean_rows === null)).toBe(true);
    // 04-19: 2 users against the mean of 04-12 … 04-18 = 18 / 7: −22 %, within 30 %.
    expect(num(volume[7]!.trailing_7d_mean_rows)).toBeCloseTo(18 / 7, 12);
    expect(num(volume[7]!.deviation_pct)).toBeCloseTo((100 * (2 - 18 / 7)) / (18 / 7), 9);
    expect(volume.filter((d) => d.is_anomaly === true)).toEqual([]);
  });
});
