import { defineAsset, sqlFile } from '../../framework/index.js';
import { rawFitbitDailyActivity, rawFitbitHourlySteps, rawFitbitSleepDay } from './raw_fitbit_exports.js';

/**
 * The wearables models (group `wearables`): are users keeping up their daily activity, or is engagement degrading?
 * Fitbit exports dropped in `ASSAY_WEARABLES_DIR` → raw (ingested once per file content) → staging (typed,
 * deduplicated; hourly steps summarized per day) → a calendar of user-days → each user's baseline (median steps of
 * the first 14 active days) → each day against it → activity and sleep per user-day → marts: daily health metrics
 * (with sleep efficiency) and data volume anomalies. Each SQL model is the `.sql` file of the same name beside this
 * one; its suite is `expectations/suites/<key>.json`. Steps are counts, minutes are minutes of the device's local
 * day, distances kilometres, energy kcal; dates are the device's local dates.
 */
const wearables = { group: 'wearables', owners: ['team:data-platform'], tags: { domain: 'activity' } } as const;
const suite = (key: string) => [`expectations/suites/${key}.json`];

const ACTIVITY_MINUTES = {
  very_active_minutes: 'Minutes very active (min)',
  fairly_active_minutes: 'Minutes fairly active (min)',
  lightly_active_minutes: 'Minutes lightly active (min)',
  sedentary_minutes: 'Minutes sedentary (min)',
  tracked_minutes:
    'Minutes with an activity level: very + fairly + lightly active + sedentary (min); Fitbit leaves sleep and ' +
    'time not worn out, so it is at most 1440',
};
const HOURLY = {
  hourly_steps: 'Sum of the hourly steps of the day (count); null without hourly rows',
  hours_recorded: 'Hours of the day with an hourly steps row (0–24); fewer than 24 for a partial day (an export ends mid-day)',
  active_hours: 'Hours with at least 250 steps (Fitbit’s hourly goal) (0–24); null without hourly rows',
  hourly_steps_match: 'Whether the hourly steps add up to the daily total; null without hourly rows',
};

export const stgDailyActivity = defineAsset({
  ...wearables,
  key: 'stg_daily_activity',
  layer: 'staging',
  deps: [rawFitbitDailyActivity, rawFitbitHourlySteps],
  description:
    'Daily activity per user and day, typed and named, one row per user-day: a user-day exported more than once ' +
    'keeps its most complete row (most tracked minutes, then most steps, then the last file and line). With the ' +
    'day’s hourly steps (kept once per user and hour, most steps first): their sum, hours recorded, active hours ' +
    '(≥ 250 steps) and whether the sum matches the daily total. Hourly rows of a day without a daily row are not used.',
  columns: {
    user_id: 'Fitbit user id',
    activity_date: 'Day (device local date)',
    steps: 'Steps that day (count)',
    total_distance_km: 'Distance that day (km)',
    tracker_distance_km: 'Distance the tracker measured (km)',
    logged_activities_distance_km: 'Distance of manually logged activities (km)',
    very_active_distance_km: 'Distance very active (km)',
    moderately_active_distance_km: 'Distance moderately active (km)',
    light_active_distance_km: 'Distance lightly active (km)',
    sedentary_active_distance_km: 'Distance while sedentary (km)',
    ...ACTIVITY_MINUTES,
    calories_kcal: 'Energy burnt that day (kcal)',
    ...HOURLY,
    source_rows: 'Raw rows for this user-day (1 unless exported more than once)',
    source_file: 'Export file of the row kept',
    source_line: 'Line of the row kept in that file',
  },
  codeVersion: '1',
  suites: suite('stg_daily_activity'),
  compute: sqlFile(import.meta.url, 'stg_daily_activity.sql'),
});

export const stgSleep = defineAsset({
  ...wearables,
  key: 'stg_sleep',
  layer: 'staging',
  deps: [rawFitbitSleepDay],
  description:
    'Sleep totals per user and day (the day Fitbit dates a sleep to: the day it ends), one row per user-day: exact ' +
    'duplicate rows (the real sleepDay export has three pairs) are kept once, and of differing rows the most complete ' +
    '(most time in bed, then most asleep, then the last file and line).',
  columns: {
    user_id: 'Fitbit user id',
    sleep_date: 'Day the sleep is dated to (device local date)',
    sleep_records: 'Sleep periods that day, naps included (count); null if the export lacks the column',
    minutes_asleep: 'Minutes asleep over those periods (min)',
    minutes_in_bed: 'Minutes in bed over those periods (min)',
    source_rows: 'Raw rows for this user-day (2 or more: repeated in the export)',
    source_file: 'Export file of the row kept',
    source_line: 'Line of the row kept in that file',
  },
  codeVersion: '1',
  suites: suite('stg_sleep'),
  compute: sqlFile(import.meta.url, 'stg_sleep.sql'),
});

export const userDailyActivity = defineAsset({
  ...wearables,
  key: 'user_daily_activity',
  layer: 'intermediate',
  deps: [stgDailyActivity],
  description:
    'One row per user and calendar day, from the user’s first recorded day to the last day of the whole export, so ' +
    'that a user who stops syncing shows as days without a record (has_record false, steps null) rather than ' +
    'vanishing. A day is active when it has steps > 0 (a recorded day without steps is a day the tracker was not ' +
    'worn); active days are numbered per user in date order.',
  columns: {
    user_id: 'Fitbit user id',
    activity_date: 'Day (device local date)',
    day_number: 'Days since the user’s first recorded day, that day being 1',
    has_record: 'Whether the export has a daily activity row for the day',
    steps: 'Steps that day (count); null without a record',
    is_active_day: 'Steps > 0; false without a record',
    active_day_number: 'Position among the user’s active days in date order (1 = first); null on other days',
    active_minutes: 'Very + fairly + lightly active minutes (min)',
    ...ACTIVITY_MINUTES,
    total_distance_km: 'Distance that day (km)',
    calories_kcal: 'Energy burnt that day (kcal)',
    ...HOURLY,
    hours_recorded: 'Hours of the day with an hourly steps row (0–24; 0 without a record)',
  },
  codeVersion: '1',
  suites: suite('user_daily_activity'),
  compute: sqlFile(import.meta.url, 'user_daily_activity.sql'),
});

export const userBaselineActivity = defineAsset({
  ...wearables,
  key: 'user_baseline_activity',
  layer: 'intermediate',
  deps: [userDailyActivity],
  description:
    'Each user’s personal baseline, one row per user: the median steps of the first 14 active days (steps > 0, in ' +
    'date order; with 14 days, the mean of the 7th and 8th values), the first and last date of that window and its ' +
    'active-day count. A user with fewer than 14 active days gets the median of the active days there are, with ' +
    'is_baseline_complete false (filter on it to compare only settled baselines); a user with none gets a null ' +
    'baseline and 0 days.',
  columns: {
    user_id: 'Fitbit user id',
    baseline_steps: 'Median steps of the baseline window’s active days (count); null without active days',
    baseline_start_date: 'First active day of the window',
    baseline_end_date: 'Last active day of the window (the 14th, or the last there is)',
    baseline_active_days: 'Active days in the window (0–14)',
    is_baseline_complete: 'Whether the window has all 14 active days',
    first_date: 'The user’s first recorded day',
    last_record_date: 'The user’s last recorded day',
    recorded_days: 'Days with a daily activity record (count)',
    active_days: 'Days with steps > 0 (count)',
  },
  codeVersion: '1',
  suites: suite('user_baseline_activity'),
  compute: sqlFile(import.meta.url, 'user_baseline_activity.sql'),
});

export const userActivityDeviation = defineAsset({
  ...wearables,
  key: 'user_activity_deviation',
  layer: 'intermediate',
  deps: [userDailyActivity, userBaselineActivity],
  description:
    'Each user-day against the user’s baseline: steps as a ratio of the baseline and their difference from it, the ' +
    'same for the mean steps of the 7 calendar days ending that day (recorded days only), and whether the day is ' +
    'inside the baseline window (its first to last date, inactive days included) or after it. Ratios and deltas are ' +
    'null without steps (no record) or without a baseline; a recorded day with no steps has ratio 0.',
  columns: {
    user_id: 'Fitbit user id',
    activity_date: 'Day (device local date)',
    day_number: 'Days since the user’s first recorded day, that day being 1',
    has_record: 'Whether the export has a daily activity row for the day',
    is_active_day: 'Steps > 0',
    steps: 'Steps that day (count)',
    baseline_steps: 'The user’s baseline (median steps of the first 14 active days)',
    steps_ratio: 'steps / baseline_steps (1 = as usual, 0.5 = half)',
    steps_delta: 'steps − baseline_steps (count)',
    in_baseline_window: 'Whether the day is between the first and last date of the baseline window, inclusive',
    after_baseline_window: 'Whether the day is after the baseline window: the days the baseline judges',
    is_baseline_complete: 'Whether the baseline has all 14 active days',
    rolling_7d_recorded_days: 'Days with a record among the 7 calendar days ending that day (0–7)',
    rolling_7d_mean_steps: 'Mean steps of the recorded days among the 7 calendar days ending that day (count)',
    rolling_7d_steps_ratio: 'rolling_7d_mean_steps / baseline_steps',
  },
  codeVersion: '1',
  suites: suite('user_activity_deviation'),
  compute: sqlFile(import.meta.url, 'user_activity_deviation.sql'),
});

const SUMMARY_COLUMNS = {
  user_id: 'Fitbit user id',
  activity_date: 'Day (device local date); for sleep, the day Fitbit dates it to (the day it ends)',
  has_activity_record: 'Whether the export has a daily activity row for the day',
  has_sleep_record: 'Whether the export has a sleep row for the day',
  steps: 'Steps that day (count)',
  is_active_day: 'Steps > 0',
  active_minutes: 'Very + fairly + lightly active minutes (min)',
  sedentary_minutes: 'Minutes sedentary (min)',
  total_distance_km: 'Distance that day (km)',
  calories_kcal: 'Energy burnt that day (kcal)',
  hours_recorded: 'Hours of the day with an hourly steps row (0–24)',
  active_hours: 'Hours with at least 250 steps (0–24)',
  baseline_steps: 'The user’s baseline (median steps of the first 14 active days)',
  steps_ratio: 'steps / baseline_steps',
  steps_delta: 'steps − baseline_steps (count)',
  in_baseline_window: 'Whether the day is inside the baseline window',
  is_baseline_complete: 'Whether the baseline has all 14 active days',
  rolling_7d_steps_ratio: 'Mean steps of the 7 calendar days ending that day / baseline_steps',
  sleep_records: 'Sleep periods that day (count)',
  minutes_asleep: 'Minutes asleep (min)',
  minutes_in_bed: 'Minutes in bed (min)',
};

export const dailyUserSummary = defineAsset({
  ...wearables,
  key: 'daily_user_summary',
  layer: 'curated',
  deps: [userDailyActivity, userActivityDeviation, stgSleep],
  description:
    'Activity and sleep per user and day: the user-day calendar with its baseline comparison, joined with the sleep ' +
    'dated to that day. A sleep day outside the activity calendar is kept, without activity.',
  columns: SUMMARY_COLUMNS,
  codeVersion: '1',
  suites: suite('daily_user_summary'),
  compute: sqlFile(import.meta.url, 'daily_user_summary.sql'),
});

export const martDailyHealthMetrics = defineAsset({
  ...wearables,
  key: 'mart_daily_health_metrics',
  layer: 'marts',
  deps: [dailyUserSummary],
  description:
    'Daily health metrics per user and day: the daily user summary plus sleep efficiency = minutes asleep / minutes ' +
    'in bed (0–1; null without a sleep record or with 0 minutes in bed), minutes awake in bed and hours asleep.',
  columns: {
    ...SUMMARY_COLUMNS,
    sleep_efficiency: 'Minutes asleep / minutes in bed (ratio 0–1); null with no time in bed',
    minutes_awake_in_bed: 'Minutes in bed − minutes asleep (min)',
    hours_asleep: 'Minutes asleep / 60 (h)',
  },
  codeVersion: '1',
  suites: suite('mart_daily_health_metrics'),
  compute: sqlFile(import.meta.url, 'mart_daily_health_metrics.sql'),
});

export const martDataVolumeAnomaly = defineAsset({
  ...wearables,
  key: 'mart_data_volume_anomaly',
  layer: 'marts',
  deps: [dailyUserSummary],
  description:
    'Data volume per calendar day, from the first to the last day with activity records: the users with a daily ' +
    'activity record that day against the mean of the 7 calendar days before it (days without records count as 0); ' +
    'an anomaly is a deviation of more than 30 % either way. Days with fewer than 7 earlier days have no mean and ' +
    'no verdict (null); after 7 days without records any record is an anomaly.',
  columns: {
    activity_date: 'Day (device local date)',
    row_count: 'Users with a daily activity record that day (count)',
    trailing_7d_days: 'Earlier days in the data among the 7 before this one (0–7)',
    trailing_7d_mean_rows: 'Mean row_count of the 7 days before this one; null with fewer than 7',
    deviation_pct: '100 · (row_count − mean) / mean (%); null without a mean or with a mean of 0',
    is_anomaly: '|deviation_pct| > 30; null without a mean',
  },
  codeVersion: '1',
  suites: suite('mart_data_volume_anomaly'),
  compute: sqlFile(import.meta.url, 'mart_data_volume_anomaly.sql'),
});

export { rawFitbitDailyActivity, rawFitbitSleepDay, rawFitbitHourlySteps };

export const wearablesAssets = [
  rawFitbitDailyActivity,
  rawFitbitSleepDay,
  rawFitbitHourlySteps,
  stgDailyActivity,
  stgSleep,
  userDailyActivity,
  userBaselineActivity,
  userActivityDeviation,
  dailyUserSummary,
  martDailyHealthMetrics,
  martDataVolumeAnomaly,
];
