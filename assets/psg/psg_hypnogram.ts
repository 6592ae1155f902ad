import { defineAsset, ts } from '../../framework/index.js';
import { EdfReader } from '../../sources/edf/reader.js';
import { epochStages, lightsPeriod, type LightsPeriod, type SleepStage } from '../../sources/psg/hypnogram.js';
import { arrowTable } from './arrow.js';
import { rawPsgRecordings } from './raw_psg_recordings.js';

export const EPOCH_SECONDS = 30;

export interface RecordingRow {
  subject_id: string;
  night: number;
  recording_id: string;
  psg_path: string;
  hypnogram_path: string;
}

/** Recordings of the inventory, as plain objects. */
export async function recordingsOf(ctx: {
  connection: import('@duckdb/node-api').DuckDBConnection;
  ref(asset: typeof rawPsgRecordings): string;
}): Promise<RecordingRow[]> {
  const reader = await ctx.connection.runAndReadAll(
    `SELECT subject_id, night, recording_id, psg_path, hypnogram_path FROM ${ctx.ref(rawPsgRecordings)}
     ORDER BY subject_id, night, recording_id`,
  );
  return reader.getRowObjectsJson().map((r) => ({
    subject_id: String(r.subject_id),
    night: Number(r.night),
    recording_id: String(r.recording_id),
    psg_path: String(r.psg_path),
    hypnogram_path: String(r.hypnogram_path),
  }));
}

export interface RecordingAnnotations {
  /** Recording start (header start, sub-second included) as epoch ms of its local clock time. */
  readonly startMs: number;
  /** Whole epochs' worth of recording: data records × record duration (s). */
  readonly durationS: number;
  /** Start of epoch 0 in the annotations' frame (the EDF+ sub-second start). */
  readonly epochZero: number;
  /** The hypnogram's (or embedded) annotations, onsets moved into the recording's frame. */
  readonly annotations: readonly EdfAnnotationLike[];
}

interface EdfAnnotationLike {
  readonly onset: number;
  readonly duration: number | null;
  readonly text: string;
}

/**
 * The annotations of a recording, from its hypnogram file or its embedded annotations. Annotation onsets count
 * from the hypnogram header's start; they are moved into the recording's frame by the difference of the two
 * header start times (Sleep-EDF hypnograms start with their recording).
 */
export async function recordingAnnotations(psgPath: string, hypnogramPath: string): Promise<RecordingAnnotations> {
  const psg = await EdfReader.open(psgPath);
  try {
    const { header } = psg;
    const wholeSecondStart = (h: typeof header) => h.start.getTime() - Math.round(h.startSubsecond * 1000);
    let annotations;
    let shift = 0;
    if (hypnogramPath === psgPath) {
      annotations = (await psg.readAnnotations()).annotations;
    } else {
      const hypnogram = await EdfReader.open(hypnogramPath);
      try {
        annotations = (await hypnogram.readAnnotations()).annotations;
        shift = (wholeSecondStart(hypnogram.header) - wholeSecondStart(header)) / 1000;
      } finally {
        await hypnogram.close();
      }
    }
    return {
      startMs: header.start.getTime(),
      durationS: header.recordCount * header.recordDuration,
      epochZero: header.startSubsecond,
      annotations: annotations.map((a) => ({ onset: a.onset + shift, duration: a.duration, text: a.text })),
    };
  } finally {
    await psg.close();
  }
}

export interface ScoredRecording {
  /** Recording start (header start, sub-second included) as epoch ms of its local clock time. */
  readonly startMs: number;
  readonly stages: SleepStage[];
  /** Lights off and on in seconds from the start of epoch 0; null unless the annotations have both. */
  readonly lights: LightsPeriod | null;
}

/** The stage of each whole 30-s epoch of a recording, and its lights-off/on period (see recordingAnnotations). */
export async function scoreRecording(psgPath: string, hypnogramPath: string): Promise<ScoredRecording> {
  const { startMs, durationS, epochZero, annotations } = await recordingAnnotations(psgPath, hypnogramPath);
  const stages = epochStages(annotations, durationS, { epochSeconds: EPOCH_SECONDS, start: epochZero });
  const period = lightsPeriod(annotations);
  const lights = period && { off: period.off - epochZero, on: period.on - epochZero };
  return { startMs, stages, lights };
}

/**
 * Hypnogram per 30-s epoch. Sleep-EDF (`Sleep stage W/1/2/3/4/R/?`, `Movement time`) and AASM-style labels map
 * to W, N1, N2, N3, R, MOVEMENT, UNKNOWN (R&K 3 and 4 → N3); epoch i spans [start + 30·i, start + 30·(i+1)) and
 * takes the stage of the annotation covering its start; uncovered epochs are UNKNOWN; a trailing partial epoch
 * is left out.
 */
export const psgHypnogram = defineAsset({
  key: 'psg_hypnogram',
  group: 'psg',
  layer: 'staging',
  deps: [rawPsgRecordings],
  description:
    'Sleep stage per subject, night and 30-s epoch (W, N1, N2, N3, R, MOVEMENT, UNKNOWN; R&K 3 and 4 → N3), ' +
    'epochs counted from the recording start, each taking the stage whose annotation covers its start.',
  columns: {
    subject_id: 'Subject',
    night: 'Night number',
    recording_id: 'Recording',
    epoch: 'Epoch index, 0 = the first 30 s of the recording',
    epoch_start: 'Epoch start, local clock time of the recording (no time zone)',
    stage: 'W | N1 | N2 | N3 | R | MOVEMENT | UNKNOWN',
  },
  owners: ['team:data-platform'],
  codeVersion: '1',
  suites: ['expectations/suites/psg_hypnogram.json'],
  compute: ts(async (ctx) => {
    const subject: string[] = [];
    const night: number[] = [];
    const recordingId: string[] = [];
    const epoch: number[] = [];
    const startMs: number[] = [];
    const stage: string[] = [];
    for (const r of await recordingsOf(ctx)) {
      const scored = await scoreRecording(r.psg_path, r.hypnogram_path);
      scored.stages.forEach((s, i) => {
        subject.push(r.subject_id);
        night.push(r.night);
        recordingId.push(r.recording_id);
        epoch.push(i);
        startMs.push(scored.startMs + i * EPOCH_SECONDS * 1000);
        stage.push(s);
      });
      ctx.heartbeat({ recording: r.recording_id });
    }
    const table = arrowTable({
      subject_id: { type: 'utf8', values: subject },
      night: { type: 'int32', values: night },
      recording_id: { type: 'utf8', values: recordingId },
      epoch: { type: 'int32', values: epoch },
      start_ms: { type: 'float64', values: startMs },
      stage: { type: 'utf8', values: stage },
    });
    await ctx.loadArrow(table, 'psg_epochs');
    await ctx.connection.run(`
      CREATE TEMP TABLE ${ctx.outputTable} AS
      SELECT subject_id, night, recording_id, epoch, make_timestamp((start_ms * 1000)::BIGINT) AS epoch_start, stage
      FROM psg_epochs
      ORDER BY subject_id, night, epoch`);
  }, import.meta.url),
});
