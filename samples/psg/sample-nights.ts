/**
 * Deterministic sample data for the PSG pipeline: for each subject and night, a full-night EDF+ recording
 * `<study>E0-PSG.edf` (EEG Fpz-Cz and EEG Pz-Oz at 100 Hz, 30-s records, stage-dependent spectra) and a
 * Sleep-EDF-style hypnogram `<study>EC-Hypnogram.edf` (annotation-only EDF+C with 'Sleep stage W/1/2/3/4/R' and
 * 'Movement time'), plus `studies.csv` (one summary row per night) and `events.csv` (scored events).
 *
 * Identifiers follow Sleep-EDF: study SC4ssN for subject ss and night N, subject SC4ss. The same seed gives the
 * same bytes; a study's content depends only on (seed, subject, night), not on how many subjects are generated.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EdfAnnotationInput } from '../../sources/edf/writer.js';
import { writeEdf } from '../../sources/edf/writer.js';
import type { SleepStage } from '../../sources/psg/hypnogram.js';
import { Random } from './random.js';
import { summarizeNight, type NightSummary } from '../../sources/psg/sleep-summary.js';
import { synthesizeEeg, type EegChannel } from './synthetic-eeg.js';
import { synthesizeEvents, type ScoredEvent } from './synthetic-events.js';
import { synthesizeHypnogram } from './synthetic-hypnogram.js';
import { EVENT_COLUMNS, STUDY_COLUMNS } from '../../sources/psg/study-csv.js';

export interface SampleNightsOptions {
  readonly dir: string;
  /** Default 2. */
  readonly subjects?: number;
  /** Nights per subject, 1–9 (default 1). */
  readonly nights?: number;
  /** Recording length (default 8 h); whole 30-s epochs. */
  readonly hours?: number;
  /** Default 1. */
  readonly seed?: number;
}

export interface SampleStudy {
  readonly studyId: string;
  readonly subjectId: string;
  readonly night: number;
  /** 'YYYY-MM-DD' of the evening the recording starts. */
  readonly studyDate: string;
  /** Local clock time 'YYYY-MM-DDTHH:MM:SS'. */
  readonly recordingStart: string;
  readonly psgFile: string;
  readonly hypnogramFile: string;
  readonly stages: readonly SleepStage[];
  readonly events: readonly ScoredEvent[];
  readonly summary: NightSummary;
}

export interface SampleNightsResult {
  readonly studies: SampleStudy[];
  readonly studiesCsv: string;
  readonly eventsCsv: string;
}

export const SAMPLE_RATE = 100;
const EPOCH_SECONDS = 30;
const CHANNELS: readonly EegChannel[] = ['EEG Fpz-Cz', 'EEG Pz-Oz'];
const FIRST_NIGHT = Date.UTC(2024, 0, 8);
const DAY_MS = 86_400_000;

const STAGE_LABELS: Record<Exclude<SleepStage, 'N3' | 'UNKNOWN'>, string> = {
  W: 'Sleep stage W',
  N1: 'Sleep stage 1',
  N2: 'Sleep stage 2',
  R: 'Sleep stage R',
  MOVEMENT: 'Movement time',
};

export async function generateSampleNights(options: SampleNightsOptions): Promise<SampleNightsResult> {
  const { dir, subjects = 2, nights = 1, hours = 8, seed = 1 } = options;
  if (!Number.isInteger(subjects) || subjects < 1 || subjects > 100) {
    throw new RangeError(`subjects must be 1–100, got ${subjects}`);
  }
  if (!Number.isInteger(nights) || nights < 1 || nights > 9) throw new RangeError(`nights must be 1–9, got ${nights}`);
  const epochs = Math.floor((hours * 3600) / EPOCH_SECONDS);
  if (epochs < 1) throw new RangeError(`hours must cover at least one 30-s epoch, got ${hours}`);
  await mkdir(dir, { recursive: true });

  const studies: SampleStudy[] = [];
  for (let subject = 0; subject < subjects; subject++) {
    const traits = Random.derive(seed, subject);
    const person = {
      sex: traits.chance(0.5) ? ('F' as const) : ('M' as const),
      birthdate: isoDate(Date.UTC(traits.int(1945, 2000), traits.int(0, 11), traits.int(1, 28))),
      rates: {
        ahi: Math.min(80, Math.max(0.5, Math.exp(Math.log(6) + 0.9 * traits.normal()))),
        apneaShare: traits.uniform(0.2, 0.6),
        spontaneousArousalsPerHour: traits.uniform(4, 10),
        limbMovementsPerHour: traits.uniform(0, 8),
      },
    };
    for (let night = 1; night <= nights; night++) {
      const random = Random.derive(seed, subject, night);
      const subjectId = `SC4${String(subject).padStart(2, '0')}`;
      const studyId = `${subjectId}${night}`;
      const evening = FIRST_NIGHT + (subject * 3 + night - 1) * DAY_MS;
      const start = new Date(evening + random.int(21 * 3600 + 1800, 23 * 3600 + 3599) * 1000);
      const stages = synthesizeHypnogram(random, epochs);
      const psgFile = join(dir, `${studyId}E0-PSG.edf`);
      const hypnogramFile = join(dir, `${studyId}EC-Hypnogram.edf`);
      const identification = {
        patient: { code: subjectId, sex: person.sex, birthdate: person.birthdate, name: null },
        recording: { adminCode: studyId, technician: null, equipment: 'Assay sample generator' },
      };
      await writeEdf(psgFile, {
        ...identification,
        start,
        recordDuration: EPOCH_SECONDS,
        signals: CHANNELS.map((label) => ({
          label,
          transducer: 'Ag-AgCl electrodes',
          unit: 'uV',
          sampleRate: SAMPLE_RATE,
          physicalMin: -500,
          physicalMax: 500,
          samples: synthesizeEeg(random, label, stages, SAMPLE_RATE),
        })),
      });
      const annotations = hypnogramAnnotations(stages);
      await writeEdf(hypnogramFile, { ...identification, start, signals: [], annotations });
      const events = synthesizeEvents(random, stages, person.rates);
      studies.push({
        studyId,
        subjectId,
        night,
        studyDate: isoDate(start.getTime()),
        recordingStart: start.toISOString().slice(0, 19),
        psgFile,
        hypnogramFile,
        stages,
        events,
        summary: summarizeNight(stages, events),
      });
    }
  }
  const studiesCsv = join(dir, 'studies.csv');
  const eventsCsv = join(dir, 'events.csv');
  await writeAtomically(studiesCsv, studiesTable(studies));
  await writeAtomically(eventsCsv, eventsTable(studies));
  return { studies, studiesCsv, eventsCsv };
}

/** Runs of equal stages as Sleep-EDF annotations; inside N3 runs the deepest middle epochs are R&K stage 4. */
export function hypnogramAnnotations(stages: readonly SleepStage[]): EdfAnnotationInput[] {
  const labels = stages.map((stage, i) => {
    if (stage === 'UNKNOWN') return 'Sleep stage ?';
    if (stage !== 'N3') return STAGE_LABELS[stage];
    let from = i;
    while (stages[from - 1] === 'N3') from--;
    let to = i;
    while (stages[to + 1] === 'N3') to++;
    return i - from >= 2 && to - i >= 1 ? 'Sleep stage 4' : 'Sleep stage 3';
  });
  const annotations: EdfAnnotationInput[] = [];
  labels.forEach((text, i) => {
    const last = annotations[annotations.length - 1];
    if (last?.text === text) {
      annotations[annotations.length - 1] = { ...last, duration: (last.duration ?? 0) + EPOCH_SECONDS };
    } else {
      annotations.push({ onset: i * EPOCH_SECONDS, duration: EPOCH_SECONDS, text });
    }
  });
  return annotations;
}

function studiesTable(studies: readonly SampleStudy[]): string {
  const rows = studies.map((s) => {
    const m = s.summary;
    return [
      s.studyId,
      s.subjectId,
      s.night,
      s.studyDate,
      s.recordingStart,
      `${s.studyId}E0-PSG.edf`,
      `${s.studyId}EC-Hypnogram.edf`,
      m.timeInBedMin,
      m.totalSleepTimeMin,
      m.sleepEfficiencyPct,
      m.sleepOnsetLatencyMin,
      m.remLatencyMin,
      m.wasoMin,
      m.n1Min,
      m.n2Min,
      m.n3Min,
      m.remMin,
      m.apneaCount,
      m.hypopneaCount,
      m.ahi,
      m.arousalIndex,
      m.odi,
    ];
  });
  return csv(STUDY_COLUMNS, rows);
}

function eventsTable(studies: readonly SampleStudy[]): string {
  const rows = studies.flatMap((s) =>
    s.events.map((e) => [s.studyId, s.studyDate, e.type, e.onset, e.duration, e.stage]),
  );
  return csv(EVENT_COLUMNS, rows);
}

function csv(columns: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const field = (value: string | number | null) => {
    const text = value === null ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns, ...rows].map((row) => row.map(field).join(',')).join('\n') + '\n';
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}
