/**
 * Cuts a signal that arrives in chunks of any size (EDF records, batches of records) into consecutive epochs of
 * a fixed number of samples, so that per-epoch results do not depend on how the file was split into records.
 * A trailing partial epoch is never emitted.
 */
export class EpochBuffer {
  private readonly current: Float64Array;
  private filled = 0;
  private emitted = 0;

  constructor(
    readonly samplesPerEpoch: number,
    private readonly onEpoch: (samples: Float64Array, epoch: number) => void,
  ) {
    if (!Number.isInteger(samplesPerEpoch) || samplesPerEpoch < 1) {
      throw new RangeError(`samples per epoch must be a positive integer, got ${samplesPerEpoch}`);
    }
    this.current = new Float64Array(samplesPerEpoch);
  }

  /** Epochs emitted so far. */
  get epochs(): number {
    return this.emitted;
  }

  /** Samples waiting for the rest of their epoch. */
  get pending(): number {
    return this.filled;
  }

  /** Adds samples; calls onEpoch (synchronously, with a reused array) for each epoch they complete. */
  push(chunk: ArrayLike<number>): void {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.samplesPerEpoch - this.filled, chunk.length - offset);
      for (let i = 0; i < take; i++) this.current[this.filled + i] = chunk[offset + i]!;
      this.filled += take;
      offset += take;
      if (this.filled === this.samplesPerEpoch) {
        this.onEpoch(this.current, this.emitted++);
        this.filled = 0;
      }
    }
  }
}
