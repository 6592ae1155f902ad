import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidDataError } from '../../framework/errors.js';
import { EdfFormatError } from './errors.js';
import { EdfReader, readEdf } from './reader.js';
import { writeEdf } from './writer.js';

// A generated EDF+C file: 3 signals (A: 10 samples/record, B: 5, EDF Annotations), 4 records of 1 s.
// Signal header fields start at 256 + ns * (widths before): physical minimum at 568, digital minimum at 616,
// samples per record at 904, each signal's value 8 bytes after the previous one.
const SIGNALS = 3;
let dir: string;
let good: Buffer;
let recordBytes: number;
const HEADER_BYTES = 256 * (SIGNALS + 1);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edf-bad-'));
  const path = join(dir, 'good.edf');
  await writeEdf(path, {
    start: new Date('2024-05-01T22:00:00Z'),
    signals: [
      { label: 'A', sampleRate: 10, samples: Float64Array.from({ length: 40 }, (_, i) => i) },
      { label: 'B', sampleRate: 5, samples: Float64Array.from({ length: 20 }, (_, i) => -i) },
    ],
    annotations: [{ onset: 2.5, text: 'event' }],
  });
  good = await readFile(path);
  recordBytes = (good.length - HEADER_BYTES) / 4;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function patched(offset: number, text: string, width: number): Buffer {
  const copy = Buffer.from(good);
  copy.write(text.padEnd(width, ' '), offset, width, 'latin1');
  return copy;
}

let counter = 0;
async function openBytes(bytes: Buffer, options = {}): Promise<EdfReader> {
  const path = join(dir, `case-${counter++}.edf`);
  await writeFile(path, bytes);
  return EdfReader.open(path, options);
}

async function failure(bytes: Buffer): Promise<EdfFormatError> {
  const error = await openBytes(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EdfFormatError);
  expect(error).toBeInstanceOf(InvalidDataError);
  return error as EdfFormatError;
}

describe('bad EDF files', () => {
  it('reads the uncorrupted file', async () => {
    const reader = await openBytes(good);
    await reader.close();
    expect(reader.header.recordCount).toBe(4);
  });

  it('names the record that a truncated file cuts short', async () => {
    const error = await failure(good.subarray(0, HEADER_BYTES + 2 * recordBytes + 7));
    expect(error.location).toMatchObject({ field: 'data record', record: 2, byteOffset: HEADER_BYTES + 2 * recordBytes });
    expect(error.message).toMatch(/data record 2 at byte offset \d+: is truncated after 7 of its \d+ bytes.*declares 4 records/);
  });

  it('names the first missing record when whole records are missing', async () => {
    const error = await failure(good.subarray(0, HEADER_BYTES + 3 * recordBytes));
    expect(error.location).toMatchObject({ record: 3 });
    expect(error.message).toMatch(/is missing/);
  });

  it('reads only the complete records of a truncated file when asked to', async () => {
    const reader = await openBytes(good.subarray(0, HEADER_BYTES + 2 * recordBytes + 7), { ignoreSizeMismatch: true });
    try {
      expect(reader.header.recordCount).toBe(2);
      expect(reader.header.recordCountField).toBe(4);
      const chunks = [];
      for await (const chunk of reader.readSignal('A')) chunks.push(...chunk);
      expect(chunks).toHaveLength(20);
    } finally {
      await reader.close();
    }
  });

  it('rejects a partial trailing record when the record count is -1, unless asked to ignore it', async () => {
    const unknownCount = Buffer.concat([patched(236, '-1', 8), Buffer.alloc(5)]);
    const error = await failure(unknownCount);
    expect(error.location).toMatchObject({ field: 'data record', record: 4, byteOffset: HEADER_BYTES + 4 * recordBytes });
    expect(error.message).toMatch(/ends 5 bytes into/);
    const reader = await openBytes(unknownCount, { ignoreSizeMismatch: true });
    await reader.close();
    expect(reader.header).toMatchObject({ recordCountField: -1, recordCount: 4 });
  });

  it('derives the record count from the file size when the header says -1', async () => {
    const reader = await openBytes(patched(236, '-1', 8));
    await reader.close();
    expect(reader.header.recordCount).toBe(4);
  });

  it('rejects bytes after the declared records', async () => {
    const error = await failure(Buffer.concat([good, Buffer.alloc(recordBytes)]));
    expect(error.location).toMatchObject({ field: 'number of data records', byteOffset: good.length });
  });

  it('rejects a header byte count that is not 256 * (signals + 1)', async () => {
    const error = await failure(patched(184, '1000', 8));
    expect(error.location).toMatchObject({ field: 'number of bytes in header record', byteOffset: 184 });
    expect(error.message).toMatch(/is 1000 but 256 \* \(3 signals \+ 1\) = 1024/);
  });

  it('names field, signal and byte offset of a non-numeric physical minimum', async () => {
    const error = await failure(patched(568 + 8, 'abc', 8));
    expect(error.location).toEqual({ file: expect.any(String), field: 'physical minimum', signalIndex: 1, signalLabel: 'B', byteOffset: 576 });
    expect(error.message).toMatch(/physical minimum of signal 1 "B" at byte offset 576: "abc" is not a number$/);
  });

  it('rejects non-numeric fixed fields', async () => {
    expect((await failure(patched(236, '4x', 8))).location).toMatchObject({ field: 'number of data records', byteOffset: 236 });
    expect((await failure(patched(244, 'one', 8))).location).toMatchObject({ field: 'duration of a data record', byteOffset: 244 });
    expect((await failure(patched(252, 'x', 4))).location).toMatchObject({ field: 'number of signals', byteOffset: 252 });
    expect((await failure(patched(616, '-32768.5', 8))).location).toMatchObject({ field: 'digital minimum', signalIndex: 0 });
  });

  it('rejects a digital minimum equal to the digital maximum', async () => {
    const error = await failure(patched(616, '32767', 8));
    expect(error.location).toMatchObject({ field: 'digital minimum', signalIndex: 0, signalLabel: 'A', byteOffset: 616 });
    expect(error.message).toMatch(/equals the digital maximum \(32767\)/);
  });

  it('rejects an unknown version', async () => {
    const error = await failure(patched(0, '1', 8));
    expect(error.location).toMatchObject({ field: 'version', byteOffset: 0 });
    expect(error.message).toMatch(/unknown version "1       "/);
  });

  it('rejects samples per record of zero or less', async () => {
    for (const value of ['0', '-5']) {
      const error = await failure(patched(904 + 8, value, 8));
      expect(error.location).toMatchObject({ field: 'number of samples in a data record', signalIndex: 1, signalLabel: 'B', byteOffset: 912 });
    }
  });

  it('rejects a record duration of 0 when the file has ordinary signals', async () => {
    const error = await failure(patched(244, '0', 8));
    expect(error.location).toMatchObject({ field: 'duration of a data record', signalIndex: 0 });
  });

  it('rejects an impossible start date or time', async () => {
    expect((await failure(patched(168, '31.13.24', 8))).location).toMatchObject({ field: 'startdate of recording', byteOffset: 168 });
    expect((await failure(patched(176, '25.00.00', 8))).location).toMatchObject({ field: 'starttime of recording', byteOffset: 176 });
  });

  it('rejects a file shorter than its header', async () => {
    expect((await failure(good.subarray(0, 100))).location).toMatchObject({ field: 'header record', byteOffset: 100 });
    expect((await failure(good.subarray(0, 600))).location).toMatchObject({ field: 'header record', byteOffset: 600 });
  });

  it('names record and byte offset of a corrupt annotation', async () => {
    const copy = Buffer.from(good);
    const annotationStart = HEADER_BYTES + 2 * recordBytes + (10 + 5) * 2;
    expect(copy.subarray(annotationStart, annotationStart + 2).toString('latin1')).toBe('+2');
    copy.write('x', annotationStart, 'latin1');
    const path = join(dir, 'bad-tal.edf');
    await writeFile(path, copy);
    const error = (await readEdf(path).catch((e: unknown) => e)) as EdfFormatError;
    expect(error).toBeInstanceOf(EdfFormatError);
    expect(error.location).toMatchObject({ field: 'annotation (TAL)', signalIndex: 2, signalLabel: 'EDF Annotations', record: 2, byteOffset: annotationStart });
  });
});
