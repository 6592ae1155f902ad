/**
 * Deterministic OpenLineage run ids. A run id is a UUIDv7 (RFC 9562) whose 48-bit timestamp is
 * the run's start and whose other 74 bits come from a SHA-256 of what identifies the run
 * (asset key, partition, graph run id). A Temporal retry or a workflow replay computes the same
 * id, so the backend sees one run, never a duplicate; ids still sort by start time.
 * Same idea as the Python client's `generate_static_uuid` (which uses SHA-1 of time + data).
 */
import { createHash } from 'node:crypto';
import { InvalidDocumentError } from '../framework/errors.js';

const MAX_TIMESTAMP_MS = 2 ** 48 - 1;
/** Separates Assay's hash input from any other use of the same parts. */
const DOMAIN = 'assay/lineage/run-id/v1';
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export interface DeterministicRunIdInput {
  /** When the run started (ms since the epoch, a Date, or an ISO string): must be the same on every retry. */
  startedAt: Date | number | string;
  /** What identifies the run, e.g. `[assetKey, partition ?? '', graphRunId]`. Order matters. */
  parts: readonly string[];
}

function toMillis(startedAt: Date | number | string): number {
  const ms =
    typeof startedAt === 'number' ? startedAt : typeof startedAt === 'string' ? Date.parse(startedAt) : startedAt.getTime();
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIMESTAMP_MS) {
    throw new InvalidDocumentError(`run start '${String(startedAt)}' is not a valid time for a UUIDv7 timestamp`);
  }
  return ms;
}

export function deterministicRunId(input: DeterministicRunIdInput): string {
  const ms = toMillis(input.startedAt);
  const hash = createHash('sha256').update(DOMAIN);
  // Length-prefix each part so ['ab', 'c'] and ['a', 'bc'] hash differently.
  for (const part of input.parts) {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  }
  const digest = hash.digest();

  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(ms, 0, 6); // unix_ts_ms, 48 bits big-endian
  digest.copy(bytes, 6, 0, 10); // rand_a and rand_b from the hash
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // variant 10xx (RFC 9562)

  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether `id` is a lower-case UUIDv7 with the RFC 9562 variant. */
export function isUuidV7(id: string): boolean {
  return UUID_V7.test(id);
}

/** The start time (ms since the epoch) encoded in a UUIDv7. */
export function uuidV7Time(id: string): number {
  if (!isUuidV7(id)) throw new InvalidDocumentError(`'${id}' is not a UUIDv7`);
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
