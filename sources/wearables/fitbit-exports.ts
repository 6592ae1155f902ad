/**
 * The Fitbit CSV exports Assay ingests (Fitbit's own, and Fitabase's `*_merged.csv`), what their files are called
 * and which of their columns it reads.
 *
 * A file is of a kind when its name starts with the kind's prefix and ends in `.csv`, in any case:
 * `dailyActivity_merged.csv`, `dailyActivity_merged (1).csv` and `dailyactivity_2016-05.csv` are daily activity;
 * `dailySteps_merged.csv` is none of the three (other Fitbit exports are left alone).
 *
 * Columns are matched to the header by name (trimmed, any case), in any order; other columns are ignored. A
 * required column must be in the header and have a value in every row; an optional one may be missing from the
 * header or empty in a row (null then).
 */

/**
 * How a value is read (see `parse-value.ts`):
 * - `id`: text, trimmed (Fitbit user ids are 10-digit numbers, kept as text);
 * - `day`: a date (`dates.ts`), with no time of day or midnight;
 * - `timestamp`: a date with a time of day (local clock time);
 * - `count`: a whole number ≥ 0;
 * - `decimal`: a number ≥ 0 (e.g. `8.5`, `1.87999999523163`, `1e-3`).
 */
export type ValueKind = 'id' | 'day' | 'timestamp' | 'count' | 'decimal';

export interface ExportColumn {
  /** The column's name in the export's header. */
  readonly header: string;
  /** The snake_case column of the raw asset. */
  readonly name: string;
  readonly kind: ValueKind;
  readonly required: boolean;
  /** What it holds, with its unit, for the raw asset's column descriptions. */
  readonly description: string;
}

export type ExportKind = 'daily_activity' | 'sleep_day' | 'hourly_steps';

export interface FitbitExport {
  readonly kind: ExportKind;
  /** Human name, for logs and errors. */
  readonly label: string;
  /** The file-name prefix that marks a file of this kind (any case), e.g. 'dailyActivity'. */
  readonly filePrefix: string;
  readonly columns: readonly ExportColumn[];
}

const id: ExportColumn = { header: 'Id', name: 'id', kind: 'id', required: true, description: 'Fitbit user id, as exported' };
const minutes = (header: string, name: string, what: string): ExportColumn => ({
  header, name, kind: 'count', required: false, description: `${what} (min)`,
});
const km = (header: string, name: string, what: string): ExportColumn => ({
  header, name, kind: 'decimal', required: false, description: `${what} (km)`,
});

/** `dailyActivity_merged.csv`: one row per user and day. */
export const DAILY_ACTIVITY: FitbitExport = {
  kind: 'daily_activity',
  label: 'daily activity',
  filePrefix: 'dailyActivity',
  columns: [
    id,
    { header: 'ActivityDate', name: 'activity_date', kind: 'day', required: true, description: 'Day of the activity (device local date)' },
    { header: 'TotalSteps', name: 'total_steps', kind: 'count', required: true, description: 'Steps that day (count)' },
    km('TotalDistance', 'total_distance', 'Distance that day'),
    km('TrackerDistance', 'tracker_distance', 'Distance the tracker measured'),
    km('LoggedActivitiesDistance', 'logged_activities_distance', 'Distance of manually logged activities'),
    km('VeryActiveDistance', 'very_active_distance', 'Distance at a very active intensity'),
    km('ModeratelyActiveDistance', 'moderately_active_distance', 'Distance at a moderately active intensity'),
    km('LightActiveDistance', 'light_active_distance', 'Distance at a light intensity'),
    km('SedentaryActiveDistance', 'sedentary_active_distance', 'Distance while sedentary'),
    minutes('VeryActiveMinutes', 'very_active_minutes', 'Minutes very active'),
    minutes('FairlyActiveMinutes', 'fairly_active_minutes', 'Minutes fairly active'),
    minutes('LightlyActiveMinutes', 'lightly_active_minutes', 'Minutes lightly active'),
    minutes('SedentaryMinutes', 'sedentary_minutes', 'Minutes sedentary'),
    { header: 'Calories', name: 'calories', kind: 'count', required: false, description: 'Energy burnt that day (kcal)' },
  ],
};

/** `sleepDay_merged.csv`: one row per user and day with sleep (real files repeat some rows exactly). */
export const SLEEP_DAY: FitbitExport = {
  kind: 'sleep_day',
  label: 'sleep day',
  filePrefix: 'sleepDay',
  columns: [
    id,
    { header: 'SleepDay', name: 'sleep_day', kind: 'day', required: true, description: 'Day Fitbit dates the sleep to (the day it ends)' },
    { header: 'TotalSleepRecords', name: 'total_sleep_records', kind: 'count', required: false, description: 'Sleep periods logged that day (count; naps count)' },
    { header: 'TotalMinutesAsleep', name: 'total_minutes_asleep', kind: 'count', required: true, description: 'Minutes asleep over those periods (min)' },
    { header: 'TotalTimeInBed', name: 'total_time_in_bed', kind: 'count', required: true, description: 'Minutes in bed over those periods (min)' },
  ],
};

/** `hourlySteps_merged.csv`: one row per user and hour. */
export const HOURLY_STEPS: FitbitExport = {
  kind: 'hourly_steps',
  label: 'hourly steps',
  filePrefix: 'hourlySteps',
  columns: [
    id,
    { header: 'ActivityHour', name: 'activity_hour', kind: 'timestamp', required: true, description: 'Start of the hour (device local time)' },
    { header: 'StepTotal', name: 'step_total', kind: 'count', required: true, description: 'Steps in that hour (count)' },
  ],
};

export const FITBIT_EXPORTS: readonly FitbitExport[] = [DAILY_ACTIVITY, SLEEP_DAY, HOURLY_STEPS];

/** Whether a file name (not a path) is an export of this kind. */
export function isExportFile(spec: FitbitExport, fileName: string): boolean {
  const name = fileName.toLowerCase();
  return name.startsWith(spec.filePrefix.toLowerCase()) && name.endsWith('.csv');
}

/**
 * The version of what reading a file produces (columns, types, parsing rules). Stored with every ingested file;
 * raise it when reading changes, so that files read by an older version are read again.
 */
export const READER_VERSION = 1;
