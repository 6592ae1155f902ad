import { describe, expect, it } from 'vitest';
import type { LineageEvent } from '../model.js';
import { numberOf, numbered } from '../test-support/sample-events.js';
import type { Transport } from '../transport.js';
import { LineageTransportError } from '../transport.js';
import { CompositeTransport } from './composite.js';

class Recorder implements Transport {
  readonly events: LineageEvent[] = [];
  async emit(event: LineageEvent): Promise<void> {
    this.events.push(event);
  }
}

class Broken implements Transport {
  calls = 0;
  constructor(private readonly retryable = true) {}
  async emit(): Promise<void> {
    this.calls++;
    throw new LineageTransportError('backend down', this.retryable);
  }
}

const quiet = { onMemberError: () => undefined };

describe('CompositeTransport', () => {
  it('fans each event out to every member', async () => {
    const a = new Recorder();
    const b = new Recorder();
    await new CompositeTransport([a, b]).emit(numbered(1));
    expect(a.events.map(numberOf)).toEqual([1]);
    expect(b.events.map(numberOf)).toEqual([1]);
  });

  it('goes on when one member fails, and tells who failed', async () => {
    const good = new Recorder();
    const failures: string[] = [];
    const composite = new CompositeTransport(
      [
        { name: 'marquez', transport: new Broken() },
        { name: 'file', transport: good },
      ],
      { onMemberError: (_, member) => failures.push(member) },
    );
    await composite.emit(numbered(1));
    expect(good.events).toHaveLength(1);
    expect(failures).toEqual(['marquez']);
  });

  it('fails when no member succeeded, retryable if any member may succeed later', async () => {
    const composite = new CompositeTransport([new Broken(false), new Broken(true)], quiet);
    await expect(composite.emit(numbered(1))).rejects.toMatchObject({ retryable: true });
    const final = new CompositeTransport([new Broken(false)], quiet);
    await expect(final.emit(numbered(1))).rejects.toMatchObject({ retryable: false });
  });

  it('stops at the first failure with continueOnFailure: false', async () => {
    const after = new Recorder();
    const composite = new CompositeTransport([new Broken(), after], { continueOnFailure: false });
    await expect(composite.emit(numbered(1))).rejects.toThrow(/transport 0 failed/);
    expect(after.events).toHaveLength(0);
  });

  it('stops at the first success with continueOnSuccess: false', async () => {
    const broken = new Broken();
    const first = new Recorder();
    const second = new Recorder();
    await new CompositeTransport([broken, first, second], { ...quiet, continueOnSuccess: false }).emit(numbered(1));
    expect(broken.calls).toBe(1);
    expect(first.events).toHaveLength(1);
    expect(second.events).toHaveLength(0);
  });
});
