import { describe, expect, it } from 'vitest';
import { EdfFormatError } from './errors.js';
import { encodeTal, formatSeconds, parseTals } from './tal.js';

const context = { signalIndex: 2, signalLabel: 'EDF Annotations', record: 7, byteOffset: 1000 };
const bytes = (text: string, padTo = 0) => {
  const b = Buffer.from(text, 'utf8');
  return padTo > b.length ? Buffer.concat([b, Buffer.alloc(padTo - b.length)]) : b;
};

describe('TAL parsing', () => {
  it('reads the time-keeping TAL as the record onset and the rest as annotations', () => {
    const tals = parseTals(bytes('+180\x14\x14\x00+185.5\x1511\x14Apnea\x14Desat\x14\x00', 64), true, context);
    expect(tals.recordOnset).toBe(180);
    expect(tals.annotations).toEqual([
      { onset: 185.5, duration: 11, text: 'Apnea' },
      { onset: 185.5, duration: 11, text: 'Desat' },
    ]);
  });

  it('keeps annotations that share the time-keeping TAL', () => {
    const tals = parseTals(bytes('+0\x14\x14Recording starts\x14\x00'), true, context);
    expect(tals).toEqual({ recordOnset: 0, annotations: [{ onset: 0, duration: null, text: 'Recording starts' }] });
  });

  it('treats every TAL as an annotation when not asked for time-keeping', () => {
    const tals = parseTals(bytes('-0.065\x14Before start\x14\x00'), false, context);
    expect(tals).toEqual({ recordOnset: null, annotations: [{ onset: -0.065, duration: null, text: 'Before start' }] });
  });

  it('returns nothing for an all-zero signal', () => {
    expect(parseTals(new Uint8Array(20), true, context)).toEqual({ recordOnset: null, annotations: [] });
  });

  it('names signal, record and byte offset of a malformed onset', () => {
    const error = (() => {
      try {
        parseTals(bytes('+0\x14\x14\x00+1,5\x14x\x14\x00'), true, context);
      } catch (e) {
        return e;
      }
    })() as EdfFormatError;
    expect(error).toBeInstanceOf(EdfFormatError);
    expect(error.type).toBe('InvalidDataError');
    expect(error.location).toMatchObject({ signalIndex: 2, record: 7, byteOffset: 1005 });
    expect(error.message).toBe('EDF: annotation (TAL) of signal 2 "EDF Annotations" in data record 7 at byte offset 1005: onset "+1,5" is not signed seconds');
  });

  it('rejects a TAL without its terminating 0 byte or without \\x14', () => {
    expect(() => parseTals(bytes('+0\x14\x14'), true, context)).toThrow(/not terminated/);
    expect(() => parseTals(bytes('+0\x00'), true, context)).toThrow(/no \\x14/);
  });
});

describe('TAL encoding', () => {
  it('writes onsets with a sign, durations without, and at most 7 decimals', () => {
    expect(encodeTal(0, null, ['']).toString('latin1')).toBe('+0\x14\x14\x00');
    expect(encodeTal(30630, 120, ['Sleep stage 1']).toString('latin1')).toBe('+30630\x15120\x14Sleep stage 1\x14\x00');
    expect(encodeTal(-0.5, null, ['a']).toString('latin1')).toBe('-0.5\x14a\x14\x00');
    expect(formatSeconds(0.1 + 0.2)).toBe('0.3');
    expect(formatSeconds(1 / 3)).toBe('0.3333333');
  });

  it('round-trips UTF-8 text', () => {
    const tal = encodeTal(12.25, 3, ['中文', 'Ünïcode']);
    expect(parseTals(tal, false, context).annotations).toEqual([
      { onset: 12.25, duration: 3, text: '中文' },
      { onset: 12.25, duration: 3, text: 'Ünïcode' },
    ]);
  });

  it('refuses texts containing a separator', () => {
    expect(() => encodeTal(0, null, ['a\x14b'])).toThrow(RangeError);
  });
});
