import { describe, expect, it } from 'vitest';
import { referenceSignal } from './reference-signal.test-helpers.js';
import { welch } from './welch.js';

/**
 * scipy 1.17.1 / numpy 2.4.6 in a scratch venv outside the repository:
 *   f, p = scipy.signal.welch(referenceSignal(fs, 30 * fs), fs=fs, nperseg=4 * fs)   # other arguments default
 * [bin, p[bin]] for fs = 100 (nperseg 400, mixed radix), 128 (512, radix 2/4) and 127 (508 = 4·127, Bluestein).
 */
const SCIPY: Record<number, [number, number][]> = {
  100: [[0, 0.04122756366883314], [1, 4.880544784386127], [9, 80.99994982161539], [40, 533.3604405398789], [52, 27.07003273460859], [133, 11.367395668199109], [200, 3.871337733081423e-5]],
  128: [[0, 0.04418166733349225], [1, 7.990102848319771], [9, 81.05161717142855], [40, 533.4597163717543], [52, 27.032955301805693], [133, 11.386836903712918], [256, 3.1338834512155014e-5]],
  127: [[0, 0.04297893755299659], [1, 7.873261176285263], [9, 80.96579634452561], [40, 533.4051694150819], [52, 27.059014539354354], [133, 11.382466794389908], [254, 3.4566414963798946e-5]],
};

const relativeError = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe('Welch PSD', () => {
  it.each([100, 128, 127])('equals scipy.signal.welch at %i Hz', (fs) => {
    const { freqs, psd } = welch(referenceSignal(fs, 30 * fs), fs, { nperseg: 4 * fs });
    expect(freqs).toHaveLength(2 * fs + 1);
    expect(freqs[1]).toBe(0.25);
    for (const [bin, expected] of SCIPY[fs]!) expect(relativeError(psd[bin]!, expected)).toBeLessThan(1e-9);
  });

  it('equals scipy for an odd segment length, doubling every bin but DC', () => {
    // scipy.signal.welch(referenceSignal(50, 1000), fs=50, nperseg=201, noverlap=50)
    const { freqs, psd } = welch(referenceSignal(50, 1000), 50, { nperseg: 201, noverlap: 50 });
    expect(freqs).toHaveLength(101);
    expect(freqs[100]).toBeCloseTo(24.87562189054726, 12);
    const expected: [number, number][] = [[0, 0.06598154230019099], [1, 1.2547095558000165], [48, 0.0003501772580271263], [100, 2.5310519444055843e-5]];
    for (const [bin, value] of expected) expect(relativeError(psd[bin]!, value)).toBeLessThan(1e-8);
  });

  it('analyses a signal shorter than nperseg as one segment, as scipy does', () => {
    // scipy.signal.welch(referenceSignal(100, 3000)[:350], fs=100, nperseg=400)  (warns, uses nperseg=350)
    const { freqs, psd } = welch(referenceSignal(100, 3000).subarray(0, 350), 100, { nperseg: 400 });
    expect(freqs).toHaveLength(176);
    expect(relativeError(psd[1]!, 3.2228948122426293)).toBeLessThan(1e-9);
    expect(relativeError(psd[35]!, 466.6822086134011)).toBeLessThan(1e-9);
  });

  it('integrates to the variance of white noise', () => {
    let state = 12345;
    const noise = Float64Array.from({ length: 30000 }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32 - 0.5;
    });
    const { psd } = welch(noise, 100, { nperseg: 400 });
    const power = psd.reduce((s, p) => s + p, 0) * 0.25;
    expect(power).toBeCloseTo(1 / 12, 2);
  });
});
