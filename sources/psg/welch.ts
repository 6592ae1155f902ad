/**
 * Welch power spectral density with the defaults of scipy.signal.welch (SciPy 1.x):
 *   - window: periodic Hann, w[n] = 0.5 − 0.5·cos(2πn/nperseg) (get_window('hann', nperseg), i.e. sym=False);
 *   - segments of nperseg samples every nperseg − noverlap samples (noverlap = floor(nperseg/2)); only whole
 *     segments, trailing samples that do not fill one are left out (no padding, no boundary extension);
 *   - detrend='constant': each segment's mean is subtracted before windowing;
 *   - nfft = nperseg, one-sided, scaling='density': P[k] = |X[k]|² / (fs·Σw²), doubled for every bin except
 *     DC and (for even nfft) Nyquist;
 *   - average='mean' over segments. Bin k is at k·fs/nperseg Hz.
 * Two real segments a and b go through one complex FFT of z = a + i·b: since A[k] = (Z[k] + conj Z[N−k])/2 and
 * B[k] = (Z[k] − conj Z[N−k])/(2i), their summed power is |A[k]|² + |B[k]|² = (|Z[k]|² + |Z[N−k]|²)/2.
 * Like scipy, welch() analyses a signal shorter than nperseg as one segment of its own length.
 */
import { complexFft, type ComplexFft } from './fft.js';

export interface WelchOptions {
  /** Segment length in samples. */
  readonly nperseg: number;
  /** Overlap in samples (default floor(nperseg / 2)). */
  readonly noverlap?: number;
}

export interface Spectrum {
  /** Bin frequencies in Hz. */
  readonly freqs: Float64Array;
  /** One-sided power spectral density in units² per Hz. */
  readonly psd: Float64Array;
}

/** A Welch estimator for one sampling rate and segment length; reuse it across epochs. Not re-entrant. */
export class Welch {
  readonly nperseg: number;
  readonly noverlap: number;
  readonly freqs: Float64Array;
  private readonly window: Float64Array;
  private readonly scale: number;
  private readonly fft: ComplexFft;
  private readonly zRe: Float64Array;
  private readonly zIm: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(
    readonly fs: number,
    options: WelchOptions,
  ) {
    const { nperseg } = options;
    const noverlap = options.noverlap ?? Math.floor(nperseg / 2);
    if (!Number.isInteger(nperseg) || nperseg < 1) {
      throw new RangeError(`nperseg must be a positive integer, got ${nperseg}`);
    }
    if (!Number.isInteger(noverlap) || noverlap < 0 || noverlap >= nperseg) {
      throw new RangeError(`noverlap must be an integer in [0, nperseg), got ${noverlap}`);
    }
    this.nperseg = nperseg;
    this.noverlap = noverlap;
    this.window = new Float64Array(nperseg);
    let sumSquares = 0;
    for (let n = 0; n < nperseg; n++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / nperseg);
      this.window[n] = w;
      sumSquares += w * w;
    }
    this.scale = 1 / (fs * sumSquares);
    this.fft = complexFft(nperseg);
    this.freqs = Float64Array.from({ length: Math.floor(nperseg / 2) + 1 }, (_, k) => (k * fs) / nperseg);
    this.zRe = new Float64Array(nperseg);
    this.zIm = new Float64Array(nperseg);
    this.re = new Float64Array(nperseg);
    this.im = new Float64Array(nperseg);
  }

  /** Number of whole segments in `length` samples. */
  segmentCount(length: number): number {
    return length < this.nperseg ? 0 : Math.floor((length - this.nperseg) / (this.nperseg - this.noverlap)) + 1;
  }

  /** The PSD of `x` (sampled at fs), written into `out` (length freqs.length) when given. */
  psd(x: ArrayLike<number>, out: Float64Array = new Float64Array(this.freqs.length)): Float64Array {
    if (x.length < this.nperseg) {
      throw new RangeError(`${x.length} samples are fewer than one ${this.nperseg}-sample segment`);
    }
    const { nperseg, zRe, zIm, re, im } = this;
    const step = nperseg - this.noverlap;
    const count = this.segmentCount(x.length);
    out.fill(0);
    for (let s = 0; s < count; s += 2) {
      this.detrendAndWindow(x, s * step, zRe);
      if (s + 1 < count) this.detrendAndWindow(x, (s + 1) * step, zIm);
      else zIm.fill(0);
      this.fft.transform(zRe, zIm, re, im);
      for (let k = 0; k < out.length; k++) {
        const mirror = k === 0 ? 0 : nperseg - k;
        const power = re[k]! * re[k]! + im[k]! * im[k]! + re[mirror]! * re[mirror]! + im[mirror]! * im[mirror]!;
        out[k] = out[k]! + power / 2;
      }
    }
    const nyquist = nperseg % 2 === 0 ? out.length - 1 : -1;
    for (let k = 0; k < out.length; k++) {
      const oneSided = k === 0 || k === nyquist ? 1 : 2;
      out[k] = (out[k]! * this.scale * oneSided) / count;
    }
    return out;
  }

  private detrendAndWindow(x: ArrayLike<number>, start: number, into: Float64Array): void {
    const { nperseg, window } = this;
    let mean = 0;
    for (let n = 0; n < nperseg; n++) mean += x[start + n]!;
    mean /= nperseg;
    for (let n = 0; n < nperseg; n++) into[n] = (x[start + n]! - mean) * window[n]!;
  }
}

/** scipy.signal.welch(x, fs, nperseg=..., noverlap=...) with its other defaults. */
export function welch(x: ArrayLike<number>, fs: number, options: WelchOptions): Spectrum {
  const nperseg = Math.min(options.nperseg, x.length);
  const noverlap = options.noverlap === undefined ? undefined : Math.min(options.noverlap, nperseg - 1);
  const estimator = new Welch(fs, { nperseg, noverlap });
  return { freqs: estimator.freqs, psd: estimator.psd(x) };
}
