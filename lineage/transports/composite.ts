/**
 * Composite transport: fans each event out to several transports, with the Python client's
 * `continue_on_failure` (default true: a failing member does not stop the others) and
 * `continue_on_success` (default true: every member gets the event). The emit fails only when no
 * member succeeded, or, with `continueOnFailure: false`, at the first failure.
 */
import type { LineageEvent } from '../model.js';
import type { EmitOptions, Transport } from '../transport.js';
import { LineageTransportError, isRetryableDeliveryError } from '../transport.js';

export interface CompositeMember {
  name: string;
  transport: Transport;
}

export interface CompositeTransportOptions {
  continueOnFailure?: boolean;
  continueOnSuccess?: boolean;
  /** Told about each member that failed while the composite went on. Default: `console.warn`. */
  onMemberError?: (error: unknown, member: string) => void;
}

export class CompositeTransport implements Transport {
  readonly members: readonly CompositeMember[];
  private readonly continueOnFailure: boolean;
  private readonly continueOnSuccess: boolean;
  private readonly onMemberError: (error: unknown, member: string) => void;

  constructor(members: readonly (Transport | CompositeMember)[], options: CompositeTransportOptions = {}) {
    if (members.length === 0) throw new Error('a composite transport needs at least one member');
    this.members = members.map((m, i) => ('transport' in m ? m : { name: `transport ${i}`, transport: m }));
    this.continueOnFailure = options.continueOnFailure ?? true;
    this.continueOnSuccess = options.continueOnSuccess ?? true;
    this.onMemberError =
      options.onMemberError ??
      ((error, member) => console.warn(`lineage: ${member} failed to emit an event: ${(error as Error).message ?? error}`));
  }

  async emit(event: LineageEvent, options: EmitOptions = {}): Promise<void> {
    if (this.continueOnFailure && this.continueOnSuccess) {
      // Every member gets the event whatever the others do: send to all at once.
      const results = await Promise.allSettled(this.members.map((m) => m.transport.emit(event, options)));
      const failures: { member: string; error: unknown }[] = [];
      results.forEach((r, i) => {
        if (r.status === 'rejected') failures.push({ member: this.members[i]!.name, error: r.reason });
      });
      if (failures.length === this.members.length) throw noneSucceeded(failures);
      for (const f of failures) this.onMemberError(f.error, f.member);
      return;
    }
    const failures: { member: string; error: unknown }[] = [];
    for (const member of this.members) {
      try {
        await member.transport.emit(event, options);
      } catch (error) {
        if (!this.continueOnFailure) {
          throw new LineageTransportError(
            `${member.name} failed to emit the event: ${(error as Error).message}`,
            isRetryableDeliveryError(error),
            undefined,
            { cause: error },
          );
        }
        failures.push({ member: member.name, error });
        continue;
      }
      if (!this.continueOnSuccess) break;
    }
    if (failures.length === this.members.length) throw noneSucceeded(failures);
    for (const f of failures) this.onMemberError(f.error, f.member);
  }

  async flush(): Promise<void> {
    await Promise.all(this.members.map(async (m) => m.transport.flush?.()));
  }

  /** Closes every member, then rethrows the last error, if any. */
  async close(): Promise<void> {
    let last: unknown;
    for (const m of this.members) {
      try {
        await m.transport.close?.();
      } catch (err) {
        last = err;
      }
    }
    if (last !== undefined) throw last;
  }
}

function noneSucceeded(failures: readonly { member: string; error: unknown }[]): LineageTransportError {
  const detail = failures.map((f) => `${f.member}: ${(f.error as Error).message ?? String(f.error)}`).join('; ');
  return new LineageTransportError(
    `none of the transports emitted the event (${detail})`,
    failures.some((f) => isRetryableDeliveryError(f.error)),
    undefined,
    { cause: failures[0]?.error },
  );
}
