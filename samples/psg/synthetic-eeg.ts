/**
 * Synthetic EEG whose spectrum follows the sleep stage of each 30-s epoch.
 *
 * Each rhythm is band-limited noise from a two-pole resonator y[n] = 2r·cos(ω)·y[n-1] − r²·y[n-2] + e[n]
 * (centre ω, bandwidth ≈ (1 − r)·fs/π), normalised to unit variance and scaled to an RMS amplitude in µV that
 * ramps over 2 s from the previous epoch's value, so stage changes do not click. On top: slow 1/f-like drift
 * (AR(1)) and white noise. Stage profiles (RMS µV):
 *   W  alpha-rich (occipital Pz-Oz stronger), some beta     N1  theta, alpha fading
 *   N2 theta and delta plus sleep spindles: 0.5–1.5 s bursts at 12–14 Hz
 *   N3 high-amplitude delta (frontal Fpz-Cz stronger)       R   mixed low-amplitude theta, alpha and beta
 *   MOVEMENT broadband artefact.
 */
import type { SleepStage } from '../../sources/psg/hypnogram.js';
import type { Random } from './random.js';

export type EegChannel = 'EEG Fpz-Cz' | 'EEG Pz-Oz';

type Rhythm = 'delta' | 'theta' | 'alpha' | 'beta';
type Profile = Readonly<Record<Rhythm, number>> & { readonly spindles: number; readonly white: number };

const RHYTHMS: readonly { name: Rhythm; hz: number; bandwidth: number }[] = [
  { name: 'delta', hz: 1.2, bandwidth: 1.6 },
  { name: 'theta', hz: 6, bandwidth: 2.5 },
  { name: 'alpha', hz: 10, bandwidth: 1.5 },
  { name: 'beta', hz: 21, bandwidth: 8 },
];

const PROFILES: Record<EegChannel, Record<SleepStage, Profile>> = {
  'EEG Fpz-Cz': {
    W: { delta: 5, theta: 4, alpha: 9, beta: 6, spindles: 0, white: 2 },
    N1: { delta: 7, theta: 12, alpha: 3, beta: 3, spindles: 0, white: 1.5 },
    N2: { delta: 14, theta: 9, alpha: 2, beta: 2, spindles: 40, white: 1.2 },
    N3: { delta: 48, theta: 7, alpha: 1.5, beta: 1.5, spindles: 6, white: 1 },
    R: { delta: 6, theta: 9, alpha: 4, beta: 5, spindles: 0, white: 1.5 },
    MOVEMENT: { delta: 45, theta: 12, alpha: 8, beta: 25, spindles: 0, white: 15 },
    UNKNOWN: { delta: 5, theta: 5, alpha: 5, beta: 5, spindles: 0, white: 2 },
  },
  'EEG Pz-Oz': {
    W: { delta: 4, theta: 4, alpha: 18, beta: 5, spindles: 0, white: 2 },
    N1: { delta: 6, theta: 11, alpha: 5, beta: 3, spindles: 0, white: 1.5 },
    N2: { delta: 11, theta: 8, alpha: 2.5, beta: 2, spindles: 34, white: 1.2 },
    N3: { delta: 34, theta: 6, alpha: 2, beta: 1.5, spindles: 5, white: 1 },
    R: { delta: 5, theta: 8, alpha: 6, beta: 4, spindles: 0, white: 1.5 },
    MOVEMENT: { delta: 40, theta: 10, alpha: 8, beta: 22, spindles: 0, white: 15 },
    UNKNOWN: { delta: 4, theta: 4, alpha: 6, beta: 4, spindles: 0, white: 2 },
  },
};

const EPOCH_SECONDS = 30;
const RAMP_SECONDS = 2;

/** Two-pole resonators normalised to unit output variance, their coefficients and state in typed arrays. */
class Resonators {
  readonly a1: Float64Array;
  readonly a2: Float64Array;
  readonly gain: Float64Array;
  readonly y1: Float64Array;
  readonly y2: Float64Array;

  constructor(bands: readonly { hz: number; bandwidth: number }[], fs: number) {
    const n = bands.length;
    this.a1 = new Float64Array(n);
    this.a2 = new Float64Array(n);
    this.gain = new Float64Array(n);
    this.y1 = new Float64Array(n);
    this.y2 = new Float64Array(n);
    bands.forEach(({ hz, bandwidth }, k) => {
      const r = 1 - (Math.PI * bandwidth) / fs;
      const cos = Math.cos((2 * Math.PI * hz) / fs);
      this.a1[k] = 2 * r * cos;
      this.a2[k] = -r * r;
      // Stationary variance of the AR(2) process driven by unit-variance noise.
      const variance = (1 + r * r) / ((1 - r * r) * ((1 + r * r) ** 2 - 4 * r * r * cos * cos));
      this.gain[k] = 1 / Math.sqrt(variance);
    });
  }
}

/** Uniform white noise with unit variance: cheaper than Gaussian and as good for driving resonators. */
const NOISE_SCALE = Math.sqrt(12);

/** One channel's samples (µV) for the given epoch stages. */
export function synthesizeEeg(
  random: Random,
  channel: EegChannel,
  stages: readonly SleepStage[],
  fs: number,
): Float32Array {
  const perEpoch = EPOCH_SECONDS * fs;
  const ramp = RAMP_SECONDS * fs;
  const out = new Float32Array(stages.length * perEpoch);
  // Rhythms 0..3, then the spindle resonator (12–14 Hz).
  const bank = new Resonators([...RHYTHMS, { hz: 13, bandwidth: 1 }], fs);
  const { a1, a2, gain, y1, y2 } = bank;
  const rhythms = RHYTHMS.length;
  const profiles = PROFILES[channel];
  const previous = new Float64Array(rhythms);
  const current = new Float64Array(rhythms);
  RHYTHMS.forEach((r, k) => (previous[k] = profiles[stages[0] ?? 'W'][r.name]));
  let drift = 0;
  for (let e = 0; e < stages.length; e++) {
    const profile = profiles[stages[e]!];
    RHYTHMS.forEach((r, k) => (current[k] = profile[r.name]));
    const envelope = spindleEnvelope(random, profile.spindles > 0 ? random.int(2, 4) : 0, perEpoch, fs);
    const base = e * perEpoch;
    for (let i = 0; i < perEpoch; i++) {
      const t = i < ramp ? i / ramp : 1;
      let x = 0;
      for (let k = 0; k <= rhythms; k++) {
        const y = a1[k]! * y1[k]! + a2[k]! * y2[k]! + (random.next() - 0.5) * NOISE_SCALE;
        y2[k] = y1[k]!;
        y1[k] = y;
        const spindle = envelope ? profile.spindles * envelope[i]! : 0;
        const amplitude = k < rhythms ? previous[k]! + (current[k]! - previous[k]!) * t : spindle;
        x += amplitude * gain[k]! * y;
      }
      drift = 0.995 * drift + 0.6 * (random.next() - 0.5) * NOISE_SCALE;
      out[base + i] = x + drift + profile.white * (random.next() - 0.5) * NOISE_SCALE;
    }
    previous.set(current);
  }
  return out;
}

/** Hann-shaped bursts of 0.5–1.5 s at random places in the epoch, or undefined without spindles. */
function spindleEnvelope(random: Random, count: number, length: number, fs: number): Float32Array | undefined {
  if (count === 0) return undefined;
  const envelope = new Float32Array(length);
  for (let s = 0; s < count; s++) {
    const duration = Math.round(random.uniform(0.5, 1.5) * fs);
    const start = random.int(0, length - duration);
    for (let i = 0; i < duration; i++) {
      envelope[start + i] = Math.max(envelope[start + i]!, Math.sin((Math.PI * i) / duration) ** 2);
    }
  }
  return envelope;
}
