import { defineAsset, sqlFile } from '../../framework/index.js';
import { psgHypnogram } from './psg_hypnogram.js';
import { psgLights } from './psg_lights.js';
import { rawPsgRecordings } from './raw_psg_recordings.js';
import { rawSleepEvents, rawSleepStudies } from './raw_sleep_studies.js';
import { stgSignalFeatures } from './stg_signal_features.js';

/**
 * The PSG sleep models (group `psg`): EDF/BDF recordings in `ASSAY_PSG_DIR` → inventory → 30-s hypnogram →
 * EEG band power → per-stage spectral profile; lights off/on → per-night sleep summary; and the clinic's CSV drops
 * (`studies.csv`, `events.csv` in the same folder) → typed studies and events → event rates (AHI) and a calendar.
 * Each SQL model is the `.sql` file of the same name beside this one.
 */
const psg = { group: 'psg', owners: ['team:data-platform'], tags: { domain: 'sleep' } } as const;
const suite = (key: string) => [`expectations/suites/${key}.json`];
const bandMeans = Object.fromEntries(
  ['delta', 'theta', 'alpha', 'sigma', 'beta', 'gamma'].map((b) => [`mean_${b}_rel`, `Mean relative ${b} power (0–1)`]),
);

export const fctSignalAnalytics = defineAsset({
  ...psg,
  key: 'fct_signal_analytics',
  layer: 'curated',
  deps: [stgSignalFeatures],
  description:
    'Per subject and sleep stage, over all nights and EEG channels: epochs scored in the stage and the mean ' +
    'relative power per band (delta 0.5–4, theta 4–8, alpha 8–12, sigma 12–16, beta 16–30, gamma 30–45 Hz).',
  columns: {
    subject_id: 'Subject',
    stage: 'W | N1 | N2 | N3 | R | MOVEMENT | UNKNOWN',
    epochs: 'Distinct 30-s epochs in the stage (over all nights)',
    channel_epochs: 'Epoch × EEG channel rows averaged',
    channels: 'Distinct EEG channels',
    ...bandMeans,
    mean_total_power: 'Mean power over 0.5–45 Hz (signal unit², µV²)',
  },
  codeVersion: '1',
  compute: sqlFile(import.meta.url, 'fct_signal_analytics.sql'),
});

export const fctSleepSummary = defineAsset({
  ...psg,
  key: 'fct_sleep_summary',
  layer: 'curated',
  deps: [psgHypnogram, psgLights],
  description:
    'Per night (subject, night, recording), from the 30-s hypnogram (same definitions as summarizeNight in ' +
    'sources/psg/sleep-summary.ts). In-bed period [in_bed_start, in_bed_end), rule in in_bed_rule: ' +
    "'lights' = lights off → lights on when the recording is annotated with both (psg_lights; epochs starting " +
    "in that span); else 'sleep_edf_30min' = the Sleep-EDF convention, 30 min before the first sleep epoch (not " +
    'before the recording start) to 30 min after the end of the last sleep epoch, i.e. the final awakening (not ' +
    "after the last epoch), so sleep onset latency is 30 min by construction unless clipped; else 'recording' " +
    '(no lights, no sleep) = the whole recording. Only in-bed epochs count. Sleep = N1, N2, N3, R. MOVEMENT is ' +
    'neither sleep nor wake: inside time in bed (TIB) and the efficiency denominator, not in total sleep time ' +
    '(TST) or WASO. UNKNOWN (unscored) is not wake: left out of sleep efficiency and W % (denominator TIB − ' +
    'unscored) and of WASO. Sleep efficiency = 100 · TST / (TIB − unscored); sleep onset latency = in-bed start ' +
    '→ first sleep epoch; REM latency = sleep onset → first R epoch; WASO = W epochs after sleep onset up to the ' +
    'in-bed end (the final awakening included); awakenings = W runs after sleep onset entered from sleep, even ' +
    'through MOVEMENT/UNKNOWN epochs (counted once); minutes per stage in bed; N1/N2/N3/R % of TST. Latencies ' +
    'are null without sleep (or without REM). Epochs count 0.5 min.',
  columns: {
    subject_id: 'Subject',
    night: 'Night number',
    recording_id: 'Recording',
    recording_start: 'Start of the first 30-s epoch = recording start, local clock time (not lights off)',
    in_bed_rule: "How the in-bed period was found: 'lights' | 'sleep_edf_30min' | 'recording'",
    in_bed_start: 'Start of the first in-bed epoch, local clock time',
    in_bed_end: 'End of the last in-bed epoch (exclusive), local clock time',
    time_in_bed_min: 'Time in bed: in_bed_end − in_bed_start (min), unscored epochs included',
    total_sleep_time_min: 'Total sleep time: N1 + N2 + N3 + R in bed (min)',
    sleep_efficiency_pct: 'Sleep efficiency, 100 · TST / (TIB − unscored) (%); null when nothing in bed is scored',
    sleep_onset_latency_min: 'In-bed start to the first sleep epoch (min); null without sleep',
    rem_latency_min: 'Sleep onset to the first R epoch (min); null without sleep or REM',
    waso_min: 'Wake after sleep onset: W epochs after sleep onset up to the in-bed end (min); not MOVEMENT or UNKNOWN',
    awakenings: 'W runs after sleep onset entered from sleep, MOVEMENT/UNKNOWN in between skipped (count)',
    w_min: 'Minutes scored W in bed',
    n1_min: 'Minutes scored N1 in bed',
    n2_min: 'Minutes scored N2 in bed',
    n3_min: 'Minutes scored N3 in bed (R&K 3 + 4)',
    rem_min: 'Minutes scored R in bed',
    movement_min: 'Minutes scored movement time in bed',
    unknown_min: 'Minutes unscored or scored ? in bed',
    n1_pct: 'N1 share of TST (%)',
    n2_pct: 'N2 share of TST (%)',
    n3_pct: 'N3 share of TST (%)',
    rem_pct: 'R share of TST (%)',
    w_pct_of_time_in_bed: 'W share of scored time in bed, 100 · W / (TIB − unscored) (%)',
  },
  codeVersion: '3',
  suites: suite('fct_sleep_summary'),
  compute: sqlFile(import.meta.url, 'fct_sleep_summary.sql'),
});

export const stgSleepStudy = defineAsset({
  ...psg,
  key: 'stg_sleep_study',
  layer: 'staging',
  deps: [rawSleepStudies],
  description:
    'Sleep study summaries from studies.csv, typed; one row per study and study date (study ids repeat across ' +
    'dates in real exports). The counts and indices the export reports are kept as reported_*.',
  columns: {
    study_id: 'Study id (e.g. SC4001); unique only together with study_date',
    study_date: 'Date of the evening the study starts',
    recording_start: 'Recording start, local clock time',
    total_sleep_time_min: 'Total sleep time as scored (min)',
    time_in_bed_min: 'Time in bed (min)',
    sleep_efficiency_pct: 'Sleep efficiency as reported (%)',
    reported_ahi: 'AHI as the export reports it (events per hour of sleep)',
  },
  codeVersion: '1',
  compute: sqlFile(import.meta.url, 'stg_sleep_study.sql'),
});

export const stgEvents = defineAsset({
  ...psg,
  key: 'stg_events',
  layer: 'staging',
  deps: [rawSleepEvents],
  description:
    "Scored events from events.csv, typed; event_type apnea (any apnea), hypopnea, arousal, else 'other'.",
  columns: {
    study_id: 'Study id',
    study_date: 'Study date (with study_id, the study the event belongs to)',
    event_type: 'apnea | hypopnea | arousal | other',
    raw_event_type: 'Event label as exported, lower case',
    onset_s: 'Seconds after the recording start',
    duration_s: 'Event duration (s)',
    sleep_stage: 'Stage of the epoch the event starts in',
  },
  codeVersion: '1',
  compute: sqlFile(import.meta.url, 'stg_events.sql'),
});

export const fctEventRates = defineAsset({
  ...psg,
  key: 'fct_event_rates',
  layer: 'curated',
  deps: [stgSleepStudy, stgEvents],
  description:
    'Per study and study date: apnea, hypopnea, arousal and other event counts; AHI = (apneas + hypopneas) / ' +
    'hours of total sleep time; arousal index = arousals / hours of total sleep time (null without sleep); ' +
    'severity from AHI: < 5 normal, 5–< 15 mild, 15–< 30 moderate, ≥ 30 severe. Only events during sleep count ' +
    '(AASM): an apnea, hypopnea or arousal whose stg_events.sleep_stage is wake (W, Wake, Sleep stage W, any case) ' +
    'is left out of the counts and indices and counted in wake_event_count; events without a stage count.',
  columns: {
    study_id: 'Study id',
    study_date: 'Study date',
    total_sleep_time_min: 'Total sleep time (min)',
    total_sleep_time_h: 'Total sleep time (h)',
    apnea_count: 'Apneas (any type) during sleep (stage not wake, or unknown)',
    hypopnea_count: 'Hypopneas during sleep (stage not wake, or unknown)',
    arousal_count: 'Arousals during sleep (stage not wake, or unknown)',
    wake_event_count: 'Apneas, hypopneas and arousals scored in wake: not counted in the indices',
    other_event_count: 'Other events',
    ahi: 'Apnea–hypopnea index, (apneas + hypopneas) per hour of sleep (events/h)',
    arousal_index: 'Arousals per hour of sleep (events/h)',
    severity: 'normal (< 5) | mild (5–< 15) | moderate (15–< 30) | severe (≥ 30); null without sleep',
  },
  codeVersion: '2',
  compute: sqlFile(import.meta.url, 'fct_event_rates.sql'),
});

export const dimTime = defineAsset({
  ...psg,
  key: 'dim_time',
  layer: 'curated',
  deps: [stgSleepStudy, stgEvents],
  description: 'Calendar: one row per day from the first to the last study date, with ISO week and weekday.',
  columns: {
    date_day: 'Calendar day',
    day_of_week: 'Weekday, 0 = Sunday',
    is_weekend: 'Saturday or Sunday',
    iso_week: 'ISO 8601 week number',
    iso_year_week: 'ISO year and week, YYYYWW',
  },
  codeVersion: '1',
  compute: sqlFile(import.meta.url, 'dim_time.sql'),
});

export { rawPsgRecordings, psgHypnogram, psgLights, stgSignalFeatures, rawSleepStudies, rawSleepEvents };

export const psgAssets = [
  rawPsgRecordings,
  psgHypnogram,
  psgLights,
  stgSignalFeatures,
  fctSignalAnalytics,
  fctSleepSummary,
  rawSleepStudies,
  rawSleepEvents,
  stgSleepStudy,
  stgEvents,
  fctEventRates,
  dimTime,
];
