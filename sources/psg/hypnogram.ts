/**
 * Sleep stages from scoring annotations, per 30-s epoch.
 *
 * Labels: Sleep-EDF / R&K ('Sleep stage W', '1', '2', '3', '4', 'R', '?', 'Movement time') and AASM-style
 * ('Sleep stage N1'/'N2'/'N3', 'W', 'Wake', 'N1', 'R', 'REM', ...) map to W, N1, N2, N3, R, MOVEMENT, UNKNOWN;
 * R&K stages 3 and 4 both become N3. Matching ignores case, underscores and repeated spaces. Other annotations
 * (apneas, 'Lights off', ...) are not stages and are ignored here; lightsPeriod reads lights off/on.
 *
 * Epoch rule: epoch i spans [start + 30·i, start + 30·(i+1)) where start is the recording start in the
 * annotations' time frame (0 for Sleep-EDF; EDF+ header.startSubsecond for files with a sub-second start).
 * There are floor(recordingDuration / 30) epochs; a trailing partial epoch is left out. An epoch takes the stage
 * of the stage annotation covering its start, onset ≤ t < onset + duration (to 1 µs). An annotation without a
 * duration (or with duration 0) covers one epoch from its onset. Where annotations overlap, the one that starts
 * latest wins (for equal onsets, the later one in the list). Epochs no annotation covers are UNKNOWN.
 */

export const SLEEP_STAGES = ['W', 'N1', 'N2', 'N3', 'R', 'MOVEMENT', 'UNKNOWN'] as const;
export type SleepStage = (typeof SLEEP_STAGES)[number];

export interface StageAnnotation {
  /** Seconds, in the same frame as `start`. */
  readonly onset: number;
  readonly duration: number | null;
  readonly text: string;
}

export interface EpochOptions {
  /** Default 30. */
  readonly epochSeconds?: number;
  /** Recording start in the annotations' time frame (default 0). */
  readonly start?: number;
}

const WITH_PREFIX: Record<string, SleepStage> = {
  w: 'W',
  wake: 'W',
  '1': 'N1',
  '2': 'N2',
  '3': 'N3',
  '4': 'N3',
  r: 'R',
  rem: 'R',
  m: 'MOVEMENT',
  mt: 'MOVEMENT',
  '?': 'UNKNOWN',
  u: 'UNKNOWN',
  unknown: 'UNKNOWN',
  unscored: 'UNKNOWN',
};

const STANDALONE: Record<string, SleepStage> = {
  w: 'W',
  wake: 'W',
  r: 'R',
  rem: 'R',
  'movement time': 'MOVEMENT',
  movement: 'MOVEMENT',
  mt: 'MOVEMENT',
  '?': 'UNKNOWN',
  unscored: 'UNKNOWN',
};

/** The stage an annotation text names, or null when it is not a sleep-stage annotation. */
export function stageOf(text: string): SleepStage | null {
  const normalized = text.replace(/_/g, ' ').trim().replace(/\s+/g, ' ').toLowerCase();
  const nrem = /^(?:(?:sleep )?stage )?(?:n|s|nrem ?)([1-4])$/.exec(normalized);
  if (nrem) return nrem[1] === '1' ? 'N1' : nrem[1] === '2' ? 'N2' : 'N3';
  const prefixed = /^(?:sleep )?stage (.+)$/.exec(normalized);
  if (prefixed) return WITH_PREFIX[prefixed[1]!] ?? null;
  return STANDALONE[normalized] ?? null;
}

const TOLERANCE = 1e-6;

/** The stage of each whole epoch of a recording of `recordingDuration` seconds. */
export function epochStages(
  annotations: readonly StageAnnotation[],
  recordingDuration: number,
  options: EpochOptions = {},
): SleepStage[] {
  const epochSeconds = options.epochSeconds ?? 30;
  const start = options.start ?? 0;
  const count = Math.max(0, Math.floor(recordingDuration / epochSeconds + TOLERANCE));
  const stages: SleepStage[] = new Array<SleepStage>(count).fill('UNKNOWN');
  const scored = annotations
    .map((annotation, order) => ({ annotation, order, stage: stageOf(annotation.text) }))
    .filter((s): s is typeof s & { stage: SleepStage } => s.stage !== null)
    .sort((a, b) => a.annotation.onset - b.annotation.onset || a.order - b.order);
  for (const { annotation, stage } of scored) {
    const length = annotation.duration ? annotation.duration : epochSeconds;
    // Epochs whose start t = start + i·epochSeconds lies in [onset, onset + length).
    const first = Math.max(0, Math.ceil((annotation.onset - start) / epochSeconds - TOLERANCE));
    const end = Math.min(count, Math.ceil((annotation.onset + length - start) / epochSeconds - TOLERANCE));
    for (let i = first; i < end; i++) stages[i] = stage;
  }
  return stages;
}

/** How many epochs have each stage. */
export function stageCounts(stages: readonly SleepStage[]): Record<SleepStage, number> {
  const counts = Object.fromEntries(SLEEP_STAGES.map((s) => [s, 0])) as Record<SleepStage, number>;
  for (const stage of stages) counts[stage]++;
  return counts;
}

/** 'off' or 'on' when an annotation text marks lights off or lights on ('Lights off', 'LIGHTS ON', 'lights_out'). */
export function lightsOf(text: string): 'off' | 'on' | null {
  const normalized = text.replace(/[_-]/g, ' ').trim().replace(/\s+/g, ' ').toLowerCase();
  const match = /^lights? ?(off|out|on)$/.exec(normalized);
  if (!match) return null;
  return match[1] === 'on' ? 'on' : 'off';
}

/** Lights off and on, in the annotations' time frame (seconds). */
export interface LightsPeriod {
  readonly off: number;
  readonly on: number;
}

/**
 * The lights-off → lights-on period of a night's annotations: the first lights-off annotation and the last
 * lights-on annotation after it. Null unless both are there (a lone lights-off or lights-on is not used: the
 * summary then falls back to the Sleep-EDF 30-min convention, see sleep-summary.ts).
 */
export function lightsPeriod(annotations: readonly { readonly onset: number; readonly text: string }[]): LightsPeriod | null {
  const offs = annotations.filter((a) => lightsOf(a.text) === 'off').map((a) => a.onset);
  if (offs.length === 0) return null;
  const off = Math.min(...offs);
  const ons = annotations.filter((a) => lightsOf(a.text) === 'on' && a.onset > off).map((a) => a.onset);
  return ons.length === 0 ? null : { off, on: Math.max(...ons) };
}
