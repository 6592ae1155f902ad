/**
 * Time-stamped Annotation Lists (EDF+ spec §2.2.2–2.2.4), the content of an 'EDF Annotations' signal:
 *   +Onset[\x15Duration]\x14Text\x14[Text\x14...]\x00
 * Onset is signed seconds after the header's start date/time, Duration unsigned seconds, texts UTF-8.
 * The rest of the signal's bytes in a data record are \x00. The first TAL of each data record (in the first
 * annotation signal) is the time-keeping TAL: its onset is the record's start and its first annotation is empty.
 */
import { EdfFormatError } from './errors.js';

export interface EdfAnnotation {
  /** Seconds after the header's start date/time, as written in the TAL. */
  readonly onset: number;
  /** Seconds, or null when the TAL has none. */
  readonly duration: number | null;
  readonly text: string;
}

export interface RecordTals {
  /** The time-keeping TAL's onset: when the data record starts. Null unless asked for and present. */
  readonly recordOnset: number | null;
  readonly annotations: EdfAnnotation[];
}

export interface TalContext {
  readonly file?: string;
  readonly signalIndex: number;
  readonly signalLabel: string;
  readonly record: number;
  /** File offset of bytes[0]. */
  readonly byteOffset: number;
}

const NUL = 0x00;
const ANNOTATION_END = 0x14;
const DURATION_START = 0x15;
const ONSET = /^[+-]?\d+(?:\.\d*)?$/;
const DURATION = /^\+?(?:\d+\.?\d*|\.\d+)$/;
const utf8 = new TextDecoder('utf-8');

/**
 * Parses the TALs of one annotation signal in one data record. With `timekeeping`, the first TAL gives the
 * record onset; a non-empty first annotation there (seen in files that skip the empty one) is kept as an annotation.
 */
export function parseTals(bytes: Uint8Array, timekeeping: boolean, context: TalContext): RecordTals {
  const annotations: EdfAnnotation[] = [];
  let recordOnset: number | null = null;
  let first = true;
  let p = 0;
  while (p < bytes.length) {
    if (bytes[p] === NUL) {
      p++;
      continue;
    }
    const end = bytes.indexOf(NUL, p);
    if (end === -1) throw talError('is not terminated by a 0 byte', context, p);
    const textStart = bytes.indexOf(ANNOTATION_END, p);
    if (textStart === -1 || textStart > end) throw talError('has no \\x14 after its onset', context, p);
    const durationAt = bytes.subarray(p, textStart).indexOf(DURATION_START);
    const hasDuration = durationAt !== -1;
    const durationStart = p + durationAt;
    const onsetText = latin1(bytes, p, hasDuration ? durationStart : textStart);
    if (!ONSET.test(onsetText)) throw talError(`onset ${JSON.stringify(onsetText)} is not signed seconds`, context, p);
    const onset = Number(onsetText);
    let duration: number | null = null;
    if (hasDuration) {
      const durationText = latin1(bytes, durationStart + 1, textStart);
      if (!DURATION.test(durationText)) {
        throw talError(`duration ${JSON.stringify(durationText)} is not unsigned seconds`, context, durationStart + 1);
      }
      duration = Number(durationText);
    }
    const texts = utf8.decode(bytes.subarray(textStart + 1, end)).split('\x14');
    if (texts[texts.length - 1] === '') texts.pop();
    if (first && timekeeping) {
      recordOnset = onset;
      if (texts[0] === '') texts.shift();
    }
    for (const text of texts) if (text !== '') annotations.push({ onset, duration, text });
    first = false;
    p = end + 1;
  }
  return { recordOnset, annotations };
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1');
}

function talError(problem: string, context: TalContext, offset: number): EdfFormatError {
  return new EdfFormatError(problem, {
    file: context.file,
    field: 'annotation (TAL)',
    signalIndex: context.signalIndex,
    signalLabel: context.signalLabel,
    record: context.record,
    byteOffset: context.byteOffset + offset,
  });
}

/** Seconds as EDF+ writes them: no exponent, at most 7 decimals, no trailing zeros. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) throw new RangeError(`not a finite number of seconds: ${seconds}`);
  const fixed = Math.abs(seconds).toFixed(7);
  return fixed.replace(/\.?0+$/, '');
}

/** One TAL. Texts must not contain the separators \x00, \x14 or \x15. */
export function encodeTal(onset: number, duration: number | null, texts: readonly string[]): Buffer {
  for (const text of texts) {
    if (/[\x00\x14\x15]/.test(text)) {
      throw new RangeError(`annotation text contains a TAL separator: ${JSON.stringify(text)}`);
    }
  }
  const sign = onset < 0 && formatSeconds(onset) !== '0' ? '-' : '+';
  const durationPart = duration === null ? '' : `\x15${formatSeconds(duration)}`;
  return Buffer.from(`${sign}${formatSeconds(onset)}${durationPart}\x14${texts.join('\x14')}\x14\x00`, 'utf8');
}
