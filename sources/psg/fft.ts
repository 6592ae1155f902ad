/**
 * Forward discrete Fourier transforms, X[k] = Σ x[n]·exp(-2πi·k·n/N), with plans (twiddles, factors) built once
 * per size and cached.
 *
 * - Complex input: mixed-radix Stockham autosort with butterflies for radix 2, 3, 4 and 5 and a generic O(p²)
 *   butterfly for other prime factors. Sizes whose largest prime factor exceeds 61 go through Bluestein's chirp-z
 *   algorithm instead, on a power-of-two transform.
 * - Real input of even length N: the N/2 complex transform of z[n] = x[2n] + i·x[2n+1], then the split
 *   X[k] = E[k] + exp(-2πik/N)·O[k] with E[k] = (Z[k] + conj Z[N/2-k])/2 and O[k] = (Z[k] - conj Z[N/2-k])/(2i).
 *   Odd N uses the complex transform directly.
 * Power-of-two sizes (e.g. nperseg = 512 at 128 Hz) use radix 4 and 2 only; 400 (= 4·100 Hz) runs as radices
 * 4·4·5·5 (Welch transforms two real segments per complex FFT) or, as RealFft, a 200-point transform of 4·2·5·5.
 */

const BLUESTEIN_ABOVE = 61;

function factorize(n: number): number[] {
  const factors: number[] = [];
  let rest = n;
  for (const p of [4, 2, 3]) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  for (let p = 5; rest > 1; p += 2) {
    if (p * p > rest) p = rest;
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  return factors;
}

interface Stage {
  readonly radix: number;
  /** Length of the sub-transforms this stage leaves: its input sub-transforms have length m·radix. */
  readonly m: number;
  /** Stride: how many sub-transforms are interleaved at this stage. */
  readonly s: number;
  /** exp(-2πi·q·k·s/N) at [q·(radix−1) + k−1], q < m, 1 ≤ k < radix. */
  readonly twRe: Float64Array;
  readonly twIm: Float64Array;
  /** exp(-2πi·j/radix), for the generic butterfly. */
  readonly rootRe: Float64Array;
  readonly rootIm: Float64Array;
}

const COS72 = Math.cos((2 * Math.PI) / 5);
const COS144 = Math.cos((4 * Math.PI) / 5);
const SIN72 = Math.sin((2 * Math.PI) / 5);
const SIN144 = Math.sin((4 * Math.PI) / 5);
const SIN60 = Math.sqrt(3) / 2;

/**
 * A complex FFT of one size: Stockham autosort (no bit reversal), one pass per factor, each pass reading one
 * buffer and writing the other. Pass with radix p over sub-transforms of length n = m·p and stride s:
 *   y[r + s·(p·q + k)] = exp(-2πi·q·k/n) · Σ_j x[r + s·(q + j·m)]·exp(-2πi·j·k/p),   q < m, r < s, k < p.
 * Not re-entrant: one transform at a time per instance.
 */
export class ComplexFft {
  private readonly stages: Stage[];
  private readonly bufferRe: [Float64Array, Float64Array];
  private readonly bufferIm: [Float64Array, Float64Array];
  private readonly bluestein: Bluestein | undefined;
  private readonly genericRe: Float64Array;
  private readonly genericIm: Float64Array;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size must be a positive integer, got ${size}`);
    const factors = factorize(size);
    const largest = Math.max(1, ...factors);
    this.bluestein = largest > BLUESTEIN_ABOVE ? new Bluestein(size) : undefined;
    this.stages = [];
    if (!this.bluestein) {
      let s = 1;
      for (const radix of factors) {
        const m = size / (s * radix);
        const twRe = new Float64Array(m * (radix - 1));
        const twIm = new Float64Array(m * (radix - 1));
        for (let q = 0; q < m; q++) {
          for (let k = 1; k < radix; k++) {
            const angle = (-2 * Math.PI * ((q * k * s) % size)) / size;
            twRe[q * (radix - 1) + k - 1] = Math.cos(angle);
            twIm[q * (radix - 1) + k - 1] = Math.sin(angle);
          }
        }
        const rootRe = Float64Array.from({ length: radix }, (_, j) => Math.cos((-2 * Math.PI * j) / radix));
        const rootIm = Float64Array.from({ length: radix }, (_, j) => Math.sin((-2 * Math.PI * j) / radix));
        this.stages.push({ radix, m, s, twRe, twIm, rootRe, rootIm });
        s *= radix;
      }
    }
    this.bufferRe = [new Float64Array(size), new Float64Array(size)];
    this.bufferIm = [new Float64Array(size), new Float64Array(size)];
    this.genericRe = new Float64Array(largest);
    this.genericIm = new Float64Array(largest);
  }

  /**
   * Transforms (inRe, inIm) into (outRe, outIm); each array holds `size` values. The outputs must not be the
   * inputs; the inputs are not modified.
   */
  transform(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    if (this.bluestein) {
      this.bluestein.transform(inRe, inIm, outRe, outIm);
      return;
    }
    const { stages } = this;
    if (stages.length === 0) {
      outRe[0] = inRe[0]!;
      outIm[0] = inIm[0]!;
      return;
    }
    let xRe = inRe;
    let xIm = inIm;
    for (let i = 0; i < stages.length; i++) {
      const stage = stages[i]!;
      const last = i === stages.length - 1;
      const yRe = last ? outRe : this.bufferRe[i & 1]!;
      const yIm = last ? outIm : this.bufferIm[i & 1]!;
      if (stage.radix === 4) radix4(stage, xRe, xIm, yRe, yIm);
      else if (stage.radix === 2) radix2(stage, xRe, xIm, yRe, yIm);
      else if (stage.radix === 3) radix3(stage, xRe, xIm, yRe, yIm);
      else if (stage.radix === 5) radix5(stage, xRe, xIm, yRe, yIm);
      else this.radixGeneric(stage, xRe, xIm, yRe, yIm);
      xRe = yRe;
      xIm = yIm;
    }
  }

  private radixGeneric(stage: Stage, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
    const { radix: p, m, s, twRe, twIm, rootRe, rootIm } = stage;
    const { genericRe: aRe, genericIm: aIm } = this;
    for (let q = 0; q < m; q++) {
      for (let r = 0; r < s; r++) {
        for (let j = 0; j < p; j++) {
          aRe[j] = xRe[r + s * (q + j * m)]!;
          aIm[j] = xIm[r + s * (q + j * m)]!;
        }
        for (let k = 0; k < p; k++) {
          let sumRe = 0;
          let sumIm = 0;
          for (let j = 0, t = 0; j < p; j++, t = (t + k) % p) {
            sumRe += aRe[j]! * rootRe[t]! - aIm[j]! * rootIm[t]!;
            sumIm += aRe[j]! * rootIm[t]! + aIm[j]! * rootRe[t]!;
          }
          const out = r + s * (p * q + k);
          if (k === 0) {
            yRe[out] = sumRe;
            yIm[out] = sumIm;
          } else {
            const wr = twRe[q * (p - 1) + k - 1]!;
            const wi = twIm[q * (p - 1) + k - 1]!;
            yRe[out] = sumRe * wr - sumIm * wi;
            yIm[out] = sumRe * wi + sumIm * wr;
          }
        }
      }
    }
  }
}

function radix2(stage: Stage, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
  const { m, s, twRe, twIm } = stage;
  for (let q = 0; q < m; q++) {
    const w1r = twRe[q]!;
    const w1i = twIm[q]!;
    for (let r = 0; r < s; r++) {
      const i0 = r + s * q;
      const i1 = i0 + s * m;
      const o = r + 2 * s * q;
      const dr = xRe[i0]! - xRe[i1]!;
      const di = xIm[i0]! - xIm[i1]!;
      yRe[o] = xRe[i0]! + xRe[i1]!;
      yIm[o] = xIm[i0]! + xIm[i1]!;
      yRe[o + s] = dr * w1r - di * w1i;
      yIm[o + s] = dr * w1i + di * w1r;
    }
  }
}

function radix3(stage: Stage, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
  const { m, s, twRe, twIm } = stage;
  const sm = s * m;
  for (let q = 0; q < m; q++) {
    const w1r = twRe[2 * q]!;
    const w1i = twIm[2 * q]!;
    const w2r = twRe[2 * q + 1]!;
    const w2i = twIm[2 * q + 1]!;
    for (let r = 0; r < s; r++) {
      const i0 = r + s * q;
      const a0r = xRe[i0]!;
      const a0i = xIm[i0]!;
      const sr = xRe[i0 + sm]! + xRe[i0 + 2 * sm]!;
      const si = xIm[i0 + sm]! + xIm[i0 + 2 * sm]!;
      // -i·(√3/2)·(a1 − a2)
      const dr = SIN60 * (xIm[i0 + sm]! - xIm[i0 + 2 * sm]!);
      const di = -SIN60 * (xRe[i0 + sm]! - xRe[i0 + 2 * sm]!);
      const mr = a0r - sr / 2;
      const mi = a0i - si / 2;
      const o = r + 3 * s * q;
      yRe[o] = a0r + sr;
      yIm[o] = a0i + si;
      const x1r = mr + dr;
      const x1i = mi + di;
      const x2r = mr - dr;
      const x2i = mi - di;
      yRe[o + s] = x1r * w1r - x1i * w1i;
      yIm[o + s] = x1r * w1i + x1i * w1r;
      yRe[o + 2 * s] = x2r * w2r - x2i * w2i;
      yIm[o + 2 * s] = x2r * w2i + x2i * w2r;
    }
  }
}

function radix4(stage: Stage, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
  const { m, s, twRe, twIm } = stage;
  const sm = s * m;
  for (let q = 0; q < m; q++) {
    const w1r = twRe[3 * q]!;
    const w1i = twIm[3 * q]!;
    const w2r = twRe[3 * q + 1]!;
    const w2i = twIm[3 * q + 1]!;
    const w3r = twRe[3 * q + 2]!;
    const w3i = twIm[3 * q + 2]!;
    for (let r = 0; r < s; r++) {
      const i0 = r + s * q;
      const a0r = xRe[i0]!;
      const a0i = xIm[i0]!;
      const a1r = xRe[i0 + sm]!;
      const a1i = xIm[i0 + sm]!;
      const a2r = xRe[i0 + 2 * sm]!;
      const a2i = xIm[i0 + 2 * sm]!;
      const a3r = xRe[i0 + 3 * sm]!;
      const a3i = xIm[i0 + 3 * sm]!;
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      // -i·(a1 − a3)
      const t3r = a1i - a3i;
      const t3i = a3r - a1r;
      const o = r + 4 * s * q;
      yRe[o] = t0r + t2r;
      yIm[o] = t0i + t2i;
      const x1r = t1r + t3r;
      const x1i = t1i + t3i;
      const x2r = t0r - t2r;
      const x2i = t0i - t2i;
      const x3r = t1r - t3r;
      const x3i = t1i - t3i;
      yRe[o + s] = x1r * w1r - x1i * w1i;
      yIm[o + s] = x1r * w1i + x1i * w1r;
      yRe[o + 2 * s] = x2r * w2r - x2i * w2i;
      yIm[o + 2 * s] = x2r * w2i + x2i * w2r;
      yRe[o + 3 * s] = x3r * w3r - x3i * w3i;
      yIm[o + 3 * s] = x3r * w3i + x3i * w3r;
    }
  }
}

function radix5(stage: Stage, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
  const { m, s, twRe, twIm } = stage;
  const sm = s * m;
  for (let q = 0; q < m; q++) {
    const t = 4 * q;
    for (let r = 0; r < s; r++) {
      const i0 = r + s * q;
      const a0r = xRe[i0]!;
      const a0i = xIm[i0]!;
      const b1r = xRe[i0 + sm]! + xRe[i0 + 4 * sm]!;
      const b1i = xIm[i0 + sm]! + xIm[i0 + 4 * sm]!;
      const b2r = xRe[i0 + 2 * sm]! + xRe[i0 + 3 * sm]!;
      const b2i = xIm[i0 + 2 * sm]! + xIm[i0 + 3 * sm]!;
      const d1r = xRe[i0 + sm]! - xRe[i0 + 4 * sm]!;
      const d1i = xIm[i0 + sm]! - xIm[i0 + 4 * sm]!;
      const d2r = xRe[i0 + 2 * sm]! - xRe[i0 + 3 * sm]!;
      const d2i = xIm[i0 + 2 * sm]! - xIm[i0 + 3 * sm]!;
      const c1r = a0r + COS72 * b1r + COS144 * b2r;
      const c1i = a0i + COS72 * b1i + COS144 * b2i;
      const c2r = a0r + COS144 * b1r + COS72 * b2r;
      const c2i = a0i + COS144 * b1i + COS72 * b2i;
      // e1 = s1·d1 + s2·d2, e2 = s2·d1 − s1·d2;
      // X1 = c1 − i·e1, X4 = c1 + i·e1, X2 = c2 − i·e2, X3 = c2 + i·e2
      const e1r = SIN72 * d1r + SIN144 * d2r;
      const e1i = SIN72 * d1i + SIN144 * d2i;
      const e2r = SIN144 * d1r - SIN72 * d2r;
      const e2i = SIN144 * d1i - SIN72 * d2i;
      const o = r + 5 * s * q;
      yRe[o] = a0r + b1r + b2r;
      yIm[o] = a0i + b1i + b2i;
      twiddle(yRe, yIm, o + s, c1r + e1i, c1i - e1r, twRe[t]!, twIm[t]!);
      twiddle(yRe, yIm, o + 2 * s, c2r + e2i, c2i - e2r, twRe[t + 1]!, twIm[t + 1]!);
      twiddle(yRe, yIm, o + 3 * s, c2r - e2i, c2i + e2r, twRe[t + 2]!, twIm[t + 2]!);
      twiddle(yRe, yIm, o + 4 * s, c1r - e1i, c1i + e1r, twRe[t + 3]!, twIm[t + 3]!);
    }
  }
}

/** y[at] = (xr + i·xi)·(wr + i·wi) */
function twiddle(yRe: Float64Array, yIm: Float64Array, at: number, xr: number, xi: number, wr: number, wi: number) {
  yRe[at] = xr * wr - xi * wi;
  yIm[at] = xr * wi + xi * wr;
}

/**
 * Bluestein: X[k] = w[k]·Σ (x[n]·w[n])·conj(w[k-n]) with w[n] = exp(-πi·n²/N), a convolution done by
 * power-of-two FFTs.
 */
class Bluestein {
  private readonly fft: ComplexFft;
  private readonly chirpRe: Float64Array;
  private readonly chirpIm: Float64Array;
  private readonly kernelRe: Float64Array;
  private readonly kernelIm: Float64Array;
  private readonly aRe: Float64Array;
  private readonly aIm: Float64Array;
  private readonly bRe: Float64Array;
  private readonly bIm: Float64Array;

  constructor(private readonly n: number) {
    let m = 1;
    while (m < 2 * n - 1) m *= 2;
    this.fft = new ComplexFft(m);
    this.chirpRe = new Float64Array(n);
    this.chirpIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const angle = (-Math.PI * ((k * k) % (2 * n))) / n;
      this.chirpRe[k] = Math.cos(angle);
      this.chirpIm[k] = Math.sin(angle);
    }
    const re = new Float64Array(m);
    const im = new Float64Array(m);
    for (let k = 0; k < n; k++) {
      re[k] = this.chirpRe[k]!;
      im[k] = -this.chirpIm[k]!;
      if (k > 0) {
        re[m - k] = re[k]!;
        im[m - k] = im[k]!;
      }
    }
    this.kernelRe = new Float64Array(m);
    this.kernelIm = new Float64Array(m);
    this.fft.transform(re, im, this.kernelRe, this.kernelIm);
    this.aRe = new Float64Array(m);
    this.aIm = new Float64Array(m);
    this.bRe = new Float64Array(m);
    this.bIm = new Float64Array(m);
  }

  transform(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const { n, aRe, aIm, bRe, bIm, chirpRe, chirpIm, kernelRe, kernelIm } = this;
    const m = aRe.length;
    aRe.fill(0);
    aIm.fill(0);
    for (let k = 0; k < n; k++) {
      aRe[k] = inRe[k]! * chirpRe[k]! - inIm[k]! * chirpIm[k]!;
      aIm[k] = inRe[k]! * chirpIm[k]! + inIm[k]! * chirpRe[k]!;
    }
    this.fft.transform(aRe, aIm, bRe, bIm);
    // Multiply by the kernel's spectrum and conjugate, so that a forward FFT performs the inverse one.
    for (let k = 0; k < m; k++) {
      const r = bRe[k]! * kernelRe[k]! - bIm[k]! * kernelIm[k]!;
      const i = bRe[k]! * kernelIm[k]! + bIm[k]! * kernelRe[k]!;
      bRe[k] = r;
      bIm[k] = -i;
    }
    this.fft.transform(bRe, bIm, aRe, aIm);
    for (let k = 0; k < n; k++) {
      const r = aRe[k]! / m;
      const i = -aIm[k]! / m;
      outRe[k] = r * chirpRe[k]! - i * chirpIm[k]!;
      outIm[k] = r * chirpIm[k]! + i * chirpRe[k]!;
    }
  }
}

/** FFT of real input; yields bins 0..floor(N/2). Not re-entrant. */
export class RealFft {
  readonly bins: number;
  private readonly half: ComplexFft;
  private readonly zRe: Float64Array;
  private readonly zIm: Float64Array;
  private readonly spectrumRe: Float64Array;
  private readonly spectrumIm: Float64Array;
  private readonly twRe: Float64Array;
  private readonly twIm: Float64Array;
  private readonly even: boolean;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size must be a positive integer, got ${size}`);
    this.bins = Math.floor(size / 2) + 1;
    this.even = size % 2 === 0 && size > 1;
    const inner = this.even ? size / 2 : size;
    this.half = new ComplexFft(inner);
    this.zRe = new Float64Array(inner);
    this.zIm = new Float64Array(inner);
    this.spectrumRe = new Float64Array(inner);
    this.spectrumIm = new Float64Array(inner);
    this.twRe = new Float64Array(this.bins);
    this.twIm = new Float64Array(this.bins);
    for (let k = 0; k < this.bins; k++) {
      this.twRe[k] = Math.cos((-2 * Math.PI * k) / size);
      this.twIm[k] = Math.sin((-2 * Math.PI * k) / size);
    }
  }

  /** Writes X[0..bins-1] of `input` (length `size`) into outRe/outIm. */
  transform(input: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    const { zRe, zIm, spectrumRe: sRe, spectrumIm: sIm } = this;
    if (!this.even) {
      for (let n = 0; n < this.size; n++) {
        zRe[n] = input[n]!;
        zIm[n] = 0;
      }
      this.half.transform(zRe, zIm, sRe, sIm);
      for (let k = 0; k < this.bins; k++) {
        outRe[k] = sRe[k]!;
        outIm[k] = sIm[k]!;
      }
      return;
    }
    const half = this.size / 2;
    for (let n = 0; n < half; n++) {
      zRe[n] = input[2 * n]!;
      zIm[n] = input[2 * n + 1]!;
    }
    this.half.transform(zRe, zIm, sRe, sIm);
    const { twRe, twIm } = this;
    for (let k = 0; k <= half; k++) {
      const a = k === half ? 0 : k;
      const b = k === 0 ? 0 : half - k;
      const zr = sRe[a]!;
      const zi = sIm[a]!;
      const cr = sRe[b]!;
      const ci = -sIm[b]!;
      const er = (zr + cr) / 2;
      const ei = (zi + ci) / 2;
      // O = (Z[k] − conj Z[N/2−k]) / (2i)
      const or = (zi - ci) / 2;
      const oi = (cr - zr) / 2;
      const wr = twRe[k]!;
      const wi = twIm[k]!;
      outRe[k] = er + or * wr - oi * wi;
      outIm[k] = ei + or * wi + oi * wr;
    }
  }
}

const complexPlans = new Map<number, ComplexFft>();

/** A cached complex plan for `size`. Plans are not re-entrant; JavaScript runs one transform at a time. */
export function complexFft(size: number): ComplexFft {
  let plan = complexPlans.get(size);
  if (!plan) {
    plan = new ComplexFft(size);
    complexPlans.set(size, plan);
  }
  return plan;
}
