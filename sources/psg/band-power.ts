/**
 * EEG band power per epoch.
 *
 * Method: the PSD of each epoch (default 30 s) is a Welch estimate with scipy.signal.welch's defaults (see
 * welch.ts): periodic Hann window, nperseg = round(4·fs) (0.25 Hz bins), 50 % overlap, constant detrend per
 * segment, one-sided density scaling, mean over segments. With fs = 100 Hz a 30-s epoch has 14 segments of 400.
 *
 *   absolute band power = Σ PSD[k] · (fs / nperseg)  over bins with low ≤ f_k < high      (units², e.g. µV²)
 *   total               = the same sum over 0.5 ≤ f_k < min(45 Hz, lower edge of the first null band)
 *   relative            = absolute / total
 *
 * Bands: delta 0.5–4, theta 4–8, alpha 8–12, sigma 12–16, beta 16–30, gamma 30–45 Hz. A band whose lower
 * edge is at or above Nyquist (fs/2) is null, absolute and relative; relative is null when the total is 0.
 * The total covers exactly the bins of the non-null bands (they tile 0.5–45 Hz), so their relative powers sum to
 * 1: when a band's lower edge equals Nyquist (e.g. gamma at fs = 60 Hz) the Nyquist bin is in no band and not in
 * the total; when Nyquist lies inside a band (e.g. fs = 50 Hz), that band and the total both run up to Nyquist.
 *
 * The sampling rate must give whole numbers of samples per epoch and per 4-s segment (4·fs); otherwise the
 * estimator throws InvalidDataError naming the rate.
 * A sinusoid of amplitude A at a bin frequency puts A²/2 into its band; the Hann main lobe (±1 bin) stays inside
 * the band unless the tone sits within 0.25 Hz of an edge.
 *
 * Epochs are consecutive runs of round(epochSeconds·fs) samples from the first sample on, regardless of the file's
 * data records; a trailing partial epoch is left out.
 */
import { InvalidDataError } from '../../framework/errors.js';
import { EdfReader, type EdfOpenOptions } from '../edf/reader.js';
import { EpochBuffer } from './epoch-buffer.js';
import { Welch } from './welch.js';

export type BandName = 'delta' | 'theta' | 'alpha' | 'sigma' | 'beta' | 'gamma';

export interface Band {
  readonly name: BandName;
  /** Hz, inclusive. */
  readonly low: number;
  /** Hz, exclusive. */
  readonly high: number;
}

export const EEG_BANDS: readonly Band[] = [
  { name: 'delta', low: 0.5, high: 4 },
  { name: 'theta', low: 4, high: 8 },
  { name: 'alpha', low: 8, high: 12 },
  { name: 'sigma', low: 12, high: 16 },
  { name: 'beta', low: 16, high: 30 },
  { name: 'gamma', low: 30, high: 45 },
];

export const TOTAL_POWER_RANGE = { low: 0.5, high: 45 } as const;

export interface BandPowers {
  readonly absolute: Readonly<Record<BandName, number | null>>;
  readonly relative: Readonly<Record<BandName, number | null>>;
  /** Power over 0.5 ≤ f < 45 Hz (below the first null band's lower edge when one is at or above Nyquist). */
  readonly total: number;
}

export interface BandPowerOptions {
  /** Seconds per epoch (default 30). */
  readonly epochSeconds?: number;
}

const wholeSamples = (value: number, what: string, fs: number): number => {
  const rounded = Math.round(value);
  if (!Number.isFinite(value) || rounded < 1 || Math.abs(value - rounded) > 1e-6) {
    throw new InvalidDataError(
      `sampling rate ${fs} Hz: ${what} is ${value} samples, not a whole number: band power needs a rate whose ` +
        'epoch and 4-s Welch segment hold whole numbers of samples',
    );
  }
  return rounded;
};

/** Band powers of epochs at one sampling rate; reuses its Welch plan and buffers. */
export class BandPowerEstimator {
  readonly samplesPerEpoch: number;
  readonly welch: Welch;
  private readonly psd: Float64Array;
  private readonly binRanges: readonly { name: BandName; from: number; to: number }[];
  private readonly totalRange: { from: number; to: number };

  constructor(
    readonly fs: number,
    options: BandPowerOptions = {},
  ) {
    const epochSeconds = options.epochSeconds ?? 30;
    this.samplesPerEpoch = wholeSamples(epochSeconds * fs, `a ${epochSeconds}-s epoch`, fs);
    this.welch = new Welch(fs, { nperseg: wholeSamples(4 * fs, 'a 4-s Welch segment', fs) });
    if (this.welch.nperseg > this.samplesPerEpoch) {
      throw new RangeError('an epoch must hold at least one 4-s Welch segment');
    }
    this.psd = new Float64Array(this.welch.freqs.length);
    const bins = this.welch.freqs.length;
    // Bin k is at k·fs/nperseg: low ≤ f_k < high  ⇔  ceil(low·nperseg/fs) ≤ k < ceil(high·nperseg/fs).
    const binOf = (hz: number) => Math.min(bins, Math.ceil((hz * this.welch.nperseg) / fs - 1e-9));
    this.binRanges = EEG_BANDS.map((band) => ({
      name: band.name,
      from: band.low >= fs / 2 ? bins : binOf(band.low),
      to: binOf(band.high),
    }));
    // Up to the first null band (lower edge ≥ Nyquist), so the total is exactly the non-null bands' bins.
    const firstNull = EEG_BANDS.find((band) => band.low >= fs / 2);
    const totalHigh = Math.min(TOTAL_POWER_RANGE.high, firstNull?.low ?? Infinity);
    this.totalRange = { from: binOf(TOTAL_POWER_RANGE.low), to: binOf(totalHigh) };
  }

  /** Band powers of one epoch of samplesPerEpoch samples. */
  compute(epoch: ArrayLike<number>): BandPowers {
    if (epoch.length !== this.samplesPerEpoch) {
      throw new RangeError(`an epoch has ${this.samplesPerEpoch} samples, got ${epoch.length}`);
    }
    const psd = this.welch.psd(epoch, this.psd);
    const binWidth = this.fs / this.welch.nperseg;
    const sum = (from: number, to: number) => {
      let s = 0;
      for (let k = from; k < to; k++) s += psd[k]!;
      return s * binWidth;
    };
    const total = sum(this.totalRange.from, this.totalRange.to);
    const absolute = {} as Record<BandName, number | null>;
    const relative = {} as Record<BandName, number | null>;
    for (const { name, from, to } of this.binRanges) {
      const power = from >= psd.length ? null : sum(from, to);
      absolute[name] = power;
      relative[name] = power === null || total === 0 ? null : power / total;
    }
    return { absolute, relative, total };
  }
}

/** Band powers of every whole epoch of a signal held in memory. */
export function epochBandPowers(signal: ArrayLike<number>, fs: number, options: BandPowerOptions = {}): BandPowers[] {
  const estimator = new BandPowerEstimator(fs, options);
  const results: BandPowers[] = [];
  const buffer = new EpochBuffer(estimator.samplesPerEpoch, (epoch) => results.push(estimator.compute(epoch)));
  buffer.push(signal);
  return results;
}

export interface ChannelBandPowers {
  readonly channel: string;
  readonly sampleRate: number;
  /** One entry per epoch, epoch i starting i·epochSeconds after the first sample. */
  readonly epochs: BandPowers[];
}

export interface EdfBandPowerOptions extends BandPowerOptions, EdfOpenOptions {
  /** Signal labels (default: every signal whose label starts with 'EEG'). */
  readonly channels?: readonly string[];
}

/**
 * Streams an EDF/BDF file once and returns the band powers per epoch of each channel. Data records must be
 * contiguous: an EDF+D file whose records leave gaps is rejected, since epochs would straddle them.
 */
export async function edfBandPowers(path: string, options: EdfBandPowerOptions = {}): Promise<ChannelBandPowers[]> {
  const reader = await EdfReader.open(path, options);
  try {
    const { header } = reader;
    const labels = options.channels ?? reader.dataSignals.filter((s) => /^EEG/i.test(s.label)).map((s) => s.label);
    const signals = labels.map((label) => reader.signal(label));
    const channels = signals.map((signal) => {
      const estimator = new BandPowerEstimator(signal.sampleRate, options);
      const epochs: BandPowers[] = [];
      const buffer = new EpochBuffer(estimator.samplesPerEpoch, (epoch) => epochs.push(estimator.compute(epoch)));
      return { result: { channel: signal.label, sampleRate: signal.sampleRate, epochs }, buffer };
    });
    let firstOnset = 0;
    for await (const record of reader.records({ signals: signals.map((s) => s.index) })) {
      if (record.index === 0) firstOnset = record.onset;
      const expected = firstOnset + record.index * header.recordDuration;
      if (header.discontinuous && Math.abs(record.onset - expected) > 1e-6) {
        throw new InvalidDataError(
          `${path}: data record ${record.index} starts at ${record.onset} s, not ${expected} s: ` +
            'band power epochs need contiguous records',
        );
      }
      record.samples.forEach((samples, k) => channels[k]!.buffer.push(samples));
    }
    return channels.map((c) => c.result);
  } finally {
    await reader.close();
  }
}
