/**
 * Streaming EDF/EDF+/BDF/BDF+ reader: the header is parsed on open, data records are read in batches of at most
 * a few MiB through one file handle, so files of any size can be read signal by signal or record by record.
 *
 * Times are seconds after the header's start date/time (the file's own frame, as in the TALs): the first record
 * starts at header.startSubsecond; record r of a continuous file at startSubsecond + r * recordDuration; records
 * of an EDF+D file at the onsets of their time-keeping TALs (see readAnnotations().recordOnsets).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { InvalidDataError } from '../../framework/errors.js';
import { EdfFormatError } from './errors.js';
import {
  FIXED_HEADER_BYTES,
  parseHeader,
  signalCountOf,
  SIGNAL_HEADER_BYTES,
  type EdfHeader,
  type EdfSignalHeader,
} from './header.js';
import { decodeSamples, scalingOf, type Scaling } from './samples.js';
import { parseTals, type EdfAnnotation, type RecordTals } from './tal.js';

export interface EdfOpenOptions {
  /**
   * When the file is shorter or longer than its header says (a truncated file, a partial trailing record,
   * trailing bytes), read the complete data records only instead of throwing.
   */
  readonly ignoreSizeMismatch?: boolean;
}

/** A signal by zero-based index or by label (exact, else case-insensitive; the first match wins). */
export type SignalRef = number | string;

export interface RecordRange {
  /** First data record, zero-based (default 0). */
  readonly fromRecord?: number;
  /** Data record to stop before (exclusive; default: all records). */
  readonly toRecord?: number;
}

export interface ReadSignalOptions extends RecordRange {
  /** Data records per yielded chunk (default: as many as fit in about 4 MiB of file data). */
  readonly recordsPerChunk?: number;
}

export interface EdfRecord {
  readonly index: number;
  /** Seconds after the header's start date/time. */
  readonly onset: number;
  /** Physical samples of the selected signals, in the order they were selected. */
  readonly samples: Float64Array[];
  /** Annotations of this record's TALs (without the time-keeping one). */
  readonly annotations: EdfAnnotation[];
}

export interface EdfAnnotations {
  readonly annotations: EdfAnnotation[];
  /** Onset of each data record in seconds after the header's start date/time. */
  readonly recordOnsets: Float64Array;
}

const CHUNK_BYTES = 4 << 20;

interface RecordBatch {
  /** Index of the first record. */
  readonly first: number;
  readonly count: number;
  /** `count` records back to back. */
  readonly bytes: Buffer;
}

export class EdfReader {
  private readonly scalings: Scaling[];
  private readonly annotationSignals: EdfSignalHeader[];

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly header: EdfHeader,
    readonly fileSize: number,
  ) {
    this.scalings = header.signals.map(scalingOf);
    this.annotationSignals = header.signals.filter((s) => s.isAnnotation);
  }

  static async open(path: string, options: EdfOpenOptions = {}): Promise<EdfReader> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const fixed = await readAt(handle, 0, Math.min(size, FIXED_HEADER_BYTES));
      const headerLength = FIXED_HEADER_BYTES + SIGNAL_HEADER_BYTES * signalCountOf(fixed, path);
      const parsed = parseHeader(await readAt(handle, 0, Math.min(size, headerLength)), path);
      const counted: EdfHeader = { ...parsed, recordCount: recordCountOf(parsed, size, path, options) };
      const startSubsecond = await subsecondStart(handle, counted, path);
      const header: EdfHeader = {
        ...counted,
        startSubsecond,
        start: new Date(counted.start.getTime() + Math.round(startSubsecond * 1000)),
      };
      return new EdfReader(path, handle, header, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** The signals that carry samples (not annotations). */
  get dataSignals(): EdfSignalHeader[] {
    return this.header.signals.filter((s) => !s.isAnnotation);
  }

  signal(ref: SignalRef): EdfSignalHeader {
    const { signals } = this.header;
    const found =
      typeof ref === 'number'
        ? signals[ref]
        : (signals.find((s) => s.label === ref) ?? signals.find((s) => s.label.toLowerCase() === ref.toLowerCase()));
    if (!found) {
      const labels = signals.map((s, i) => `${i}: "${s.label}"`).join(', ');
      throw new InvalidDataError(`${this.path}: no signal ${JSON.stringify(ref)}; the file has ${labels}`);
    }
    return found;
  }

  /** The physical samples of one signal, one chunk per batch of data records. */
  readSignal(ref: SignalRef, options?: ReadSignalOptions & { precision?: 'float64' }): AsyncGenerator<Float64Array>;
  readSignal(ref: SignalRef, options: ReadSignalOptions & { precision: 'float32' }): AsyncGenerator<Float32Array>;
  async *readSignal(
    ref: SignalRef,
    options: ReadSignalOptions & { precision?: 'float32' | 'float64' } = {},
  ): AsyncGenerator<Float32Array | Float64Array> {
    const signal = this.dataSignal(ref);
    const { bytesPerSample, recordBytes } = this.header;
    const scaling = this.scalings[signal.index]!;
    const n = signal.samplesPerRecord;
    for await (const batch of this.batches(options, options.recordsPerChunk)) {
      const length = batch.count * n;
      const out = options.precision === 'float32' ? new Float32Array(length) : new Float64Array(length);
      for (let i = 0; i < batch.count; i++) {
        decodeSamples(batch.bytes, i * recordBytes + signal.recordOffset, n, bytesPerSample, scaling, out, i * n);
      }
      yield out;
    }
  }

  /** Data records one by one, with the physical samples of the selected signals (default: all data signals). */
  async *records(options: RecordRange & { signals?: readonly SignalRef[] } = {}): AsyncGenerator<EdfRecord> {
    const selected = (options.signals ?? this.dataSignals.map((s) => s.index)).map((ref) => this.dataSignal(ref));
    const { bytesPerSample, recordBytes } = this.header;
    for await (const batch of this.batches(options)) {
      for (let i = 0; i < batch.count; i++) {
        const index = batch.first + i;
        const base = i * recordBytes;
        const tals = this.talsOf(batch.bytes, base, index);
        const samples = selected.map((signal) => {
          const n = signal.samplesPerRecord;
          const out = new Float64Array(n);
          decodeSamples(batch.bytes, base + signal.recordOffset, n, bytesPerSample, this.scalings[signal.index]!, out, 0);
          return out;
        });
        yield { index, onset: tals.recordOnset ?? this.nominalOnset(index), samples, annotations: tals.annotations };
      }
    }
  }

  /** All annotations and record onsets; reads the whole file when it has annotation signals. */
  async readAnnotations(): Promise<EdfAnnotations> {
    const recordOnsets = new Float64Array(this.header.recordCount);
    const annotations: EdfAnnotation[] = [];
    if (this.annotationSignals.length === 0) {
      recordOnsets.forEach((_, r) => (recordOnsets[r] = this.nominalOnset(r)));
      return { annotations, recordOnsets };
    }
    for await (const batch of this.batches({})) {
      for (let i = 0; i < batch.count; i++) {
        const index = batch.first + i;
        const tals = this.talsOf(batch.bytes, i * this.header.recordBytes, index);
        recordOnsets[index] = tals.recordOnset ?? this.nominalOnset(index);
        for (const annotation of tals.annotations) annotations.push(annotation);
      }
    }
    return { annotations, recordOnsets };
  }

  private nominalOnset(record: number): number {
    return this.header.startSubsecond + record * this.header.recordDuration;
  }

  private dataSignal(ref: SignalRef): EdfSignalHeader {
    const signal = this.signal(ref);
    if (signal.isAnnotation) {
      const name = `signal ${signal.index} "${signal.label}"`;
      throw new InvalidDataError(`${this.path}: ${name} holds annotations, not samples`);
    }
    return signal;
  }

  private talsOf(bytes: Uint8Array, base: number, record: number): RecordTals {
    let recordOnset: number | null = null;
    const annotations: EdfAnnotation[] = [];
    this.annotationSignals.forEach((signal, k) => {
      const start = base + signal.recordOffset;
      const end = start + signal.samplesPerRecord * this.header.bytesPerSample;
      const tals = parseTals(bytes.subarray(start, end), k === 0, {
        file: this.path,
        signalIndex: signal.index,
        signalLabel: signal.label,
        record,
        byteOffset: this.header.headerBytes + record * this.header.recordBytes + signal.recordOffset,
      });
      if (k === 0) recordOnset = tals.recordOnset;
      annotations.push(...tals.annotations);
    });
    return { recordOnset, annotations };
  }

  /** Consecutive data records, read into one reused buffer: consume each batch before asking for the next. */
  private async *batches(range: RecordRange, recordsPerBatch?: number): AsyncGenerator<RecordBatch> {
    const { recordBytes, headerBytes, recordCount } = this.header;
    const from = range.fromRecord ?? 0;
    const to = range.toRecord ?? recordCount;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > recordCount || from > to) {
      throw new RangeError(`record range [${from}, ${to}) is outside the file's ${recordCount} data records`);
    }
    const perBatch = Math.max(1, Math.floor(recordsPerBatch ?? CHUNK_BYTES / Math.max(recordBytes, 1)));
    const buffer = Buffer.allocUnsafe(Math.min(perBatch, Math.max(to - from, 1)) * recordBytes);
    for (let first = from; first < to; first += perBatch) {
      const count = Math.min(perBatch, to - first);
      const length = count * recordBytes;
      const read = await readInto(this.handle, buffer, length, headerBytes + first * recordBytes);
      if (read < length) {
        const record = first + Math.floor(read / recordBytes);
        throw new EdfFormatError('ends early: the file shrank while it was being read', {
          file: this.path,
          field: 'data record',
          record,
          byteOffset: headerBytes + record * recordBytes,
        });
      }
      yield { first, count, bytes: buffer.subarray(0, length) };
    }
  }
}

async function readInto(handle: FileHandle, buffer: Buffer, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const read = await readInto(handle, buffer, length, position);
  return buffer.subarray(0, read);
}

function recordCountOf(header: EdfHeader, fileSize: number, file: string, options: EdfOpenOptions): number {
  const { headerBytes, recordBytes, recordCountField: declared } = header;
  const dataBytes = fileSize - headerBytes;
  const complete = Math.floor(dataBytes / recordBytes);
  const partial = dataBytes - complete * recordBytes;
  const lenient = options.ignoreSizeMismatch === true;
  if (declared === -1) {
    if (partial !== 0 && !lenient) {
      throw new EdfFormatError(
        `is incomplete: the file ends ${partial} bytes into this ${recordBytes}-byte record ` +
          '(number of data records is -1)',
        { file, field: 'data record', record: complete, byteOffset: headerBytes + complete * recordBytes },
      );
    }
    return complete;
  }
  const expected = headerBytes + declared * recordBytes;
  if (complete < declared) {
    if (lenient) return complete;
    const state = partial === 0 ? 'missing' : `truncated after ${partial} of its ${recordBytes} bytes`;
    throw new EdfFormatError(
      `is ${state}: the file is ${fileSize} bytes but the header declares ${declared} records ` +
        `of ${recordBytes} bytes (${expected} bytes in all)`,
      { file, field: 'data record', record: complete, byteOffset: headerBytes + complete * recordBytes },
    );
  }
  if (fileSize > expected && !lenient) {
    throw new EdfFormatError(
      `the file has ${fileSize - expected} bytes after the ${declared} data records its header declares ` +
        `(${expected} bytes in all)`,
      { file, field: 'number of data records', byteOffset: expected },
    );
  }
  return declared;
}

/** EDF+ keeps the fraction of a second of the start time in the first data record's time-keeping TAL. */
async function subsecondStart(handle: FileHandle, header: EdfHeader, file: string): Promise<number> {
  const signal = header.signals.find((s) => s.isAnnotation);
  if (!header.plus || !signal || header.recordCount === 0) return 0;
  const offset = header.headerBytes + signal.recordOffset;
  const bytes = await readAt(handle, offset, signal.samplesPerRecord * header.bytesPerSample);
  const { recordOnset } = parseTals(bytes, true, {
    file,
    signalIndex: signal.index,
    signalLabel: signal.label,
    record: 0,
    byteOffset: offset,
  });
  return recordOnset !== null && recordOnset > 0 && recordOnset < 1 ? recordOnset : 0;
}

export interface EdfSignalData {
  readonly header: EdfSignalHeader;
  readonly samples: Float64Array;
}

export interface EdfData extends EdfAnnotations {
  readonly header: EdfHeader;
  /** Every data signal with all its samples (the records of an EDF+D file are concatenated, gaps not filled). */
  readonly signals: EdfSignalData[];
}

/** Reads a whole file into memory: for small files. Use EdfReader to stream large ones. */
export async function readEdf(path: string, options: EdfOpenOptions = {}): Promise<EdfData> {
  const reader = await EdfReader.open(path, options);
  try {
    const { header } = reader;
    const signals = reader.dataSignals.map((signal) => ({
      header: signal,
      samples: new Float64Array(signal.samplesPerRecord * header.recordCount),
    }));
    const recordOnsets = new Float64Array(header.recordCount);
    const annotations: EdfAnnotation[] = [];
    for await (const record of reader.records()) {
      recordOnsets[record.index] = record.onset;
      annotations.push(...record.annotations);
      record.samples.forEach((samples, k) => signals[k]!.samples.set(samples, record.index * samples.length));
    }
    return { header, signals, annotations, recordOnsets };
  } finally {
    await reader.close();
  }
}
