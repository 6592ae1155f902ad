/** The fixed signal whose scipy spectrum is hard-coded below (same formula in the Python script). */
export function referenceSignal(fs: number, length: number): Float64Array {
  return Float64Array.from({ length }, (_, n) => {
    const t = n / fs;
    return (
      20 * Math.sin(2 * Math.PI * 10 * t) +
      8 * Math.sin(2 * Math.PI * 2.3 * t + 0.4) +
      5 * Math.cos(2 * Math.PI * 13.1 * t) +
      3 * Math.sin(2 * Math.PI * 33.3 * t + 1) +
      0.02 * n +
      4 * (((n * 7919) % 997) / 997 - 0.5)
    );
  });
}
