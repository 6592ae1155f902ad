/**
 * PSG benchmark: one generated night (EEG Fpz-Cz and EEG Pz-Oz at 100 Hz, 8 h, 960 epochs of 30 s) in a temporary
 * folder, then five runs of (a) decoding both signals and (b) decoding plus band power per epoch and channel.
 * decodeMBps is the file size (10^6 bytes) over the median decode time; medianMs the median of (b), target ≤ 1 s.
 * Run directly with `npx tsx sources/psg/bench.ts`. Not a test: nothing here asserts a time.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EdfReader } from '../edf/reader.js';
import { edfBandPowers } from './band-power.js';
import { generateSampleNights } from '../../samples/psg/sample-nights.js';

const RUNS = 5;
const CHANNELS = ['EEG Fpz-Cz', 'EEG Pz-Oz'];

export async function benchPsg(): Promise<{ epochs: number; decodeMBps: number; medianMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'assay-psg-bench-'));
  try {
    const { studies } = await generateSampleNights({ dir, subjects: 1, nights: 1, hours: 8, seed: 1 });
    const path = studies[0]!.psgFile;
    const { size } = await stat(path);
    const decodeMs: number[] = [];
    const totalMs: number[] = [];
    let epochs = 0;
    for (let run = 0; run < RUNS; run++) {
      let start = performance.now();
      await decode(path);
      decodeMs.push(performance.now() - start);
      start = performance.now();
      const channels = await edfBandPowers(path, { channels: CHANNELS });
      totalMs.push(performance.now() - start);
      epochs = channels[0]!.epochs.length;
    }
    return { epochs, decodeMBps: size / 1e6 / (median(decodeMs) / 1000), medianMs: median(totalMs) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function decode(path: string): Promise<void> {
  const reader = await EdfReader.open(path);
  try {
    let samples = 0;
    for await (const record of reader.records({ signals: CHANNELS })) for (const s of record.samples) samples += s.length;
    if (samples === 0) throw new Error(`${path}: no samples decoded`);
  } finally {
    await reader.close();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchPsg()));
}
