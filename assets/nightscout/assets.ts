import {
  dailyPartitions,
  defineAsset,
  singleRunBackfill,
  sqlFile,
  windowMapping,
  type BackfillPolicy,
  type TimePartitions,
} from '../../framework/index.js';
import { rawNightscoutEntriesAsset } from './raw_nightscout_entries.js';

/**
 * The Nightscout glucose models: raw entries → staging → enriched → fact → daily dimension → marts.
 * Each model's SQL is the `.sql` file of the same name beside this one; its suite is in
 * `expectations/suites/<key>.json`.
 *
 * Every model but the hourly patterns is partitioned by day in one time zone (UTC here): a reading belongs to the
 * day of its instant there, and so do its local date, hour and weekday. A day reads the same day upstream, except
 * that the enriched readings also read the day before (for the step across midnight) and the overview the 6 days
 * before (for the 7-day rolling GMI). Backfills run a range of days in one query per model (single run).
 */
export const NIGHTSCOUT_DAYS = dailyPartitions({ start: '2024-01-01', timezone: 'UTC' });

export interface NightscoutOptions {
  /** Default: single run (a range of days in one query per model). */
  backfillPolicy?: BackfillPolicy;
}

/** The Nightscout group, partitioned by `days` (the sample project uses {@link NIGHTSCOUT_DAYS}). */
export function nightscoutAssetsFor(days: TimePartitions, options: NightscoutOptions = {}) {
  const nightscout = { group: 'nightscout', owners: ['team:data-platform'], tags: { domain: 'glucose' } } as const;
  const suite = (key: string) => [`expectations/suites/${key}.json`];
  const byDay = {
    partitions: days,
    backfillPolicy: options.backfillPolicy ?? singleRunBackfill(),
    partitionColumn: 'local_date',
  } as const;
  const rawNightscoutEntries = rawNightscoutEntriesAsset(days, byDay.backfillPolicy);

  const stgNightscoutGlucose = defineAsset({
    ...nightscout,
    ...byDay,
    key: 'stg_nightscout_glucose',
    layer: 'staging',
    deps: [rawNightscoutEntries],
    description: 'Sensor glucose readings, typed, 20–600 mg/dL, one per subject and reading time.',
    columns: {
      subject_id: 'Subject id',
      entry_id: 'Nightscout entry _id',
      reading_ts: 'Reading time (UTC)',
      sgv_mg_dl: 'Sensor glucose (mg/dL)',
      direction: 'Trend arrow name',
      trend: 'Trend arrow code',
      device: 'Uploader device',
      utc_offset_min: "Uploader's UTC offset (minutes)",
      local_date: 'Day of the reading in the partitions’ time zone: the partition',
    },
    codeVersion: '2',
    suites: suite('stg_nightscout_glucose'),
    compute: sqlFile(import.meta.url, 'stg_nightscout_glucose.sql'),
  });

  const intGlucoseEnriched = defineAsset({
    ...nightscout,
    ...byDay,
    key: 'int_glucose_enriched',
    layer: 'intermediate',
    deps: [stgNightscoutGlucose],
    partitionMappings: { stg_nightscout_glucose: windowMapping({ startOffset: -1 }) },
    description:
      'Readings with local date, hour and weekday (in the partitions’ time zone), consensus category ' +
      '(very_low < 54, low 54–69, in_range 70–180, high 181–250, very_high > 250 mg/dL), change from the ' +
      'previous reading (mg/dL) and rate of change (mg/dL per minute), both null across gaps over 15 minutes.',
    columns: {
      local_date: 'Calendar date in the partitions’ time zone: the partition',
      local_hour: 'Local hour of day (0–23)',
      day_of_week: 'Local weekday, 0 = Sunday',
      glucose_category: 'Consensus range: very_low | low | in_range | high | very_high',
      delta_mg_dl: 'Change from the previous reading (mg/dL); null after a gap > 15 min',
      rate_mg_dl_per_min: 'Rate of change (mg/dL per minute); null after a gap > 15 min',
      minutes_since_previous: 'Minutes since the subject’s previous reading',
    },
    codeVersion: '2',
    suites: suite('int_glucose_enriched'),
    compute: sqlFile(import.meta.url, 'int_glucose_enriched.sql'),
  });

  const factGlucoseReadings = defineAsset({
    ...nightscout,
    ...byDay,
    key: 'fact_glucose_readings',
    layer: 'curated',
    deps: [intGlucoseEnriched],
    description: 'One row per subject and sensor reading: the fact table marts and analysts query.',
    columns: { is_in_range: 'Reading within 70–180 mg/dL inclusive' },
    codeVersion: '1',
    suites: suite('fact_glucose_readings'),
    compute: sqlFile(import.meta.url, 'fact_glucose_readings.sql'),
  });

  const dimGlucoseDate = defineAsset({
    ...nightscout,
    ...byDay,
    key: 'dim_glucose_date',
    layer: 'curated',
    deps: [factGlucoseReadings],
    description:
      'Per subject and local day: reading_count; coverage_pct = readings / 288 (capped at 100); mean, sample SD, ' +
      'CV % = 100·SD/mean, min and max (mg/dL); TIR % (70–180 inclusive), TBR % (< 70), level-2 TBR % (< 54), ' +
      'TAR % (> 180), level-2 TAR % (> 250), each of the day’s readings; GMI % = 3.31 + 0.02392·mean. ' +
      'All from unrounded values.',
    columns: {
      reading_count: 'Readings that day',
      coverage_pct: 'Readings / 288 × 100, at most 100 (%)',
      mean_mg_dl: 'Mean glucose (mg/dL)',
      sd_mg_dl: 'Sample standard deviation (mg/dL)',
      cv_pct: 'Coefficient of variation, 100·SD/mean (%)',
      min_mg_dl: 'Lowest reading (mg/dL)',
      max_mg_dl: 'Highest reading (mg/dL)',
      tir_pct: 'Time in range 70–180 mg/dL (%)',
      tbr_pct: 'Time below 70 mg/dL (%)',
      tbr_level2_pct: 'Time below 54 mg/dL (%)',
      tar_pct: 'Time above 180 mg/dL (%)',
      tar_level2_pct: 'Time above 250 mg/dL (%)',
      gmi_pct: 'Glucose management indicator, 3.31 + 0.02392·mean (%)',
    },
    codeVersion: '2',
    suites: suite('dim_glucose_date'),
    compute: sqlFile(import.meta.url, 'dim_glucose_date.sql'),
  });

  const martGlucoseOverview = defineAsset({
    ...nightscout,
    ...byDay,
    key: 'mart_glucose_overview',
    layer: 'marts',
    deps: [dimGlucoseDate],
    partitionMappings: { dim_glucose_date: windowMapping({ startOffset: -6 }) },
    description:
      'Daily metrics plus rolling_7d_gmi_pct (GMI of all readings in the 7 calendar days ending that day) and ' +
      'day-over-day changes of mean glucose and TIR versus the previous calendar day (null if it has no readings).',
    columns: {
      rolling_7d_days: 'Days with readings in the 7-day window',
      rolling_7d_gmi_pct: 'GMI over the 7 calendar days ending that day (%)',
      mean_change_mg_dl: 'Mean glucose minus the previous day’s (mg/dL)',
      tir_change_pct: 'TIR minus the previous day’s (percentage points)',
    },
    codeVersion: '2',
    suites: suite('mart_glucose_overview'),
    compute: sqlFile(import.meta.url, 'mart_glucose_overview.sql'),
  });

  const martGlucoseHourlyPatterns = defineAsset({
    ...nightscout,
    key: 'mart_glucose_hourly_patterns',
    layer: 'marts',
    deps: [factGlucoseReadings],
    description:
      'Per subject, weekday (0 = Sunday) and local hour, over every day published: reading count, mean, ' +
      'p25/median/p75 (continuous quantiles) and TIR % (70–180 inclusive).',
    codeVersion: '1',
    suites: suite('mart_glucose_hourly_patterns'),
    compute: sqlFile(import.meta.url, 'mart_glucose_hourly_patterns.sql'),
  });

  return {
    rawNightscoutEntries,
    stgNightscoutGlucose,
    intGlucoseEnriched,
    factGlucoseReadings,
    dimGlucoseDate,
    martGlucoseOverview,
    martGlucoseHourlyPatterns,
    all: [
      rawNightscoutEntries,
      stgNightscoutGlucose,
      intGlucoseEnriched,
      factGlucoseReadings,
      dimGlucoseDate,
      martGlucoseOverview,
      martGlucoseHourlyPatterns,
    ],
  };
}

const sample = nightscoutAssetsFor(NIGHTSCOUT_DAYS);
export const {
  rawNightscoutEntries,
  stgNightscoutGlucose,
  intGlucoseEnriched,
  factGlucoseReadings,
  dimGlucoseDate,
  martGlucoseOverview,
  martGlucoseHourlyPatterns,
} = sample;
export const nightscoutAssets = sample.all;
