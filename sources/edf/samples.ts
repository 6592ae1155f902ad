/**
 * Little-endian two's-complement samples (EDF 16-bit, BDF 24-bit) to physical units:
 * phys = (dig - digMin) * (physMax - physMin) / (digMax - digMin) + physMin, computed as dig * gain + offset.
 * An inverted physical range (physMin > physMax) simply gives a negative gain.
 */
import type { EdfSignalHeader } from './header.js';

export interface Scaling {
  readonly gain: number;
  readonly offset: number;
}

type Ranges = Pick<EdfSignalHeader, 'physicalMin' | 'physicalMax' | 'digitalMin' | 'digitalMax'>;

export function scalingOf(signal: Ranges): Scaling {
  const gain = (signal.physicalMax - signal.physicalMin) / (signal.digitalMax - signal.digitalMin);
  return { gain, offset: signal.physicalMin - signal.digitalMin * gain };
}

/** Decodes `count` samples starting at bytes[byteOffset] into out[outOffset...]. */
export function decodeSamples(
  bytes: Uint8Array,
  byteOffset: number,
  count: number,
  bytesPerSample: 2 | 3,
  scaling: Scaling,
  out: Float32Array | Float64Array,
  outOffset: number,
): void {
  const { gain, offset } = scaling;
  let p = byteOffset;
  if (bytesPerSample === 2) {
    for (let i = 0; i < count; i++, p += 2) {
      out[outOffset + i] = (((bytes[p]! | (bytes[p + 1]! << 8)) << 16) >> 16) * gain + offset;
    }
  } else {
    for (let i = 0; i < count; i++, p += 3) {
      out[outOffset + i] = (((bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16)) << 8) >> 8) * gain + offset;
    }
  }
}

/** Writes digital values (already clamped to the format's range) little-endian. */
export function encodeDigital(value: number, bytesPerSample: 2 | 3, out: Uint8Array, byteOffset: number): void {
  out[byteOffset] = value & 0xff;
  out[byteOffset + 1] = (value >> 8) & 0xff;
  if (bytesPerSample === 3) out[byteOffset + 2] = (value >> 16) & 0xff;
}
