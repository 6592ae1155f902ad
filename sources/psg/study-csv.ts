/** The sleep-study CSV drops a clinic exports beside its recordings: `studies.csv` and `events.csv`, these columns. */
export const STUDY_COLUMNS = [
  'study_id',
  'subject_id',
  'night',
  'study_date',
  'recording_start',
  'psg_file',
  'hypnogram_file',
  'time_in_bed_min',
  'total_sleep_time_min',
  'sleep_efficiency_pct',
  'sleep_onset_latency_min',
  'rem_latency_min',
  'waso_min',
  'n1_min',
  'n2_min',
  'n3_min',
  'rem_min',
  'apnea_count',
  'hypopnea_count',
  'ahi',
  'arousal_index',
  'odi',
] as const;

export const EVENT_COLUMNS = ['study_id', 'study_date', 'event_type', 'onset_s', 'duration_s', 'sleep_stage'] as const;
