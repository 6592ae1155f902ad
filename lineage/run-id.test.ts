import { validate as isUuid, version as uuidVersion } from 'uuid';
import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../framework/errors.js';
import { deterministicRunId, isUuidV7, uuidV7Time } from './run-id.js';

const startedAt = Date.parse('2024-05-01T03:00:00.123Z');

describe('deterministicRunId', () => {
  it('gives the same id for the same start and parts, as a retry or a replay would compute it', () => {
    const a = deterministicRunId({ startedAt, parts: ['daily_mean', '2024-04-30', 'graph-run-1'] });
    const b = deterministicRunId({ startedAt: new Date(startedAt), parts: ['daily_mean', '2024-04-30', 'graph-run-1'] });
    const c = deterministicRunId({ startedAt: '2024-05-01T03:00:00.123Z', parts: ['daily_mean', '2024-04-30', 'graph-run-1'] });
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('is a valid UUIDv7 with the RFC 9562 variant', () => {
    const id = deterministicRunId({ startedAt, parts: ['x'] });
    expect(isUuid(id)).toBe(true);
    expect(uuidVersion(id)).toBe(7);
    expect(isUuidV7(id)).toBe(true);
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
  });

  it('carries the run start in its 48-bit timestamp, so ids sort by start', () => {
    const id = deterministicRunId({ startedAt, parts: ['x'] });
    expect(uuidV7Time(id)).toBe(startedAt);
    const later = deterministicRunId({ startedAt: startedAt + 1, parts: ['a'] });
    expect(later > id).toBe(true);
  });

  it('differs when the asset, the partition or the graph run differs', () => {
    const ids = new Set([
      deterministicRunId({ startedAt, parts: ['a', 'p1', 'g1'] }),
      deterministicRunId({ startedAt, parts: ['b', 'p1', 'g1'] }),
      deterministicRunId({ startedAt, parts: ['a', 'p2', 'g1'] }),
      deterministicRunId({ startedAt, parts: ['a', 'p1', 'g2'] }),
      deterministicRunId({ startedAt, parts: ['a', '', 'g1'] }),
    ]);
    expect(ids.size).toBe(5);
  });

  it('does not confuse parts that concatenate to the same text', () => {
    expect(deterministicRunId({ startedAt, parts: ['ab', 'c'] })).not.toBe(deterministicRunId({ startedAt, parts: ['a', 'bc'] }));
  });

  it('rejects a start that no UUIDv7 timestamp can hold', () => {
    expect(() => deterministicRunId({ startedAt: Number.NaN, parts: [] })).toThrow(InvalidDocumentError);
    expect(() => deterministicRunId({ startedAt: -1, parts: [] })).toThrow(InvalidDocumentError);
    expect(() => deterministicRunId({ startedAt: 'yesterday', parts: [] })).toThrow(InvalidDocumentError);
  });
});
