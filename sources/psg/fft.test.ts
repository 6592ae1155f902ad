import { describe, expect, it } from 'vitest';
import { ComplexFft, RealFft } from './fft.js';

function naiveDft(re: ArrayLike<number>, im: ArrayLike<number>): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const angle = (-2 * Math.PI * ((k * t) % n)) / n;
      outRe[k] = outRe[k]! + re[t]! * Math.cos(angle) - im[t]! * Math.sin(angle);
      outIm[k] = outIm[k]! + re[t]! * Math.sin(angle) + im[t]! * Math.cos(angle);
    }
  }
  return [outRe, outIm];
}

const input = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 43758.5453 % 1);

function maxError(a: ArrayLike<number>, b: ArrayLike<number>, count = a.length): number {
  let worst = 0;
  for (let i = 0; i < count; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

// 200 = 4·2·5·5, 400, 508 = 4·127 (Bluestein), 1 and primes, powers of two, 3·3·7, 7·11 and 2·7·13 (two generic
// radices), 2·67 (Bluestein).
const SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 25, 27, 30, 32, 60, 63, 64, 77, 97, 100, 128, 134, 182, 200, 256, 400, 508, 512];

describe('FFT', () => {
  it.each(SIZES)('matches a plain DFT for complex input of size %i', (n) => {
    const re = input(n, 1);
    const im = input(n, 2);
    const [expectedRe, expectedIm] = naiveDft(re, im);
    const outRe = new Float64Array(n);
    const outIm = new Float64Array(n);
    new ComplexFft(n).transform(re, im, outRe, outIm);
    expect(maxError(outRe, expectedRe)).toBeLessThan(1e-9 * n);
    expect(maxError(outIm, expectedIm)).toBeLessThan(1e-9 * n);
  });

  it.each(SIZES)('matches a plain DFT for real input of size %i', (n) => {
    const x = input(n, 3);
    const [expectedRe, expectedIm] = naiveDft(x, new Float64Array(n));
    const fft = new RealFft(n);
    const outRe = new Float64Array(fft.bins);
    const outIm = new Float64Array(fft.bins);
    fft.transform(x, outRe, outIm);
    expect(fft.bins).toBe(Math.floor(n / 2) + 1);
    expect(maxError(outRe, expectedRe, fft.bins)).toBeLessThan(1e-9 * n);
    expect(maxError(outIm, expectedIm, fft.bins)).toBeLessThan(1e-9 * n);
  });

  it('puts a cosine on its bin with amplitude N/2', () => {
    const n = 400;
    const x = Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 40 * i) / n));
    const fft = new RealFft(n);
    const re = new Float64Array(fft.bins);
    const im = new Float64Array(fft.bins);
    fft.transform(x, re, im);
    expect(re[40]).toBeCloseTo(200, 9);
    expect(Math.hypot(re[39]!, im[39]!)).toBeLessThan(1e-9);
  });
});
