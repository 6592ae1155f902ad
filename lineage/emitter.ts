/**
 * `LineageEmitter`: what materializations call. Lineage must never fail or slow a materialization, so `emit`
 * never throws and never waits for the network:
 *
 * - with a spool (an http backend) and `mode: 'background'`, `emit` appends the event to the spool on disk
 *   (synced; appends of concurrent emits are written together) and returns. A `SpoolDeliverer` sends the spool
 *   in the background, from the moment the emitter is created (what an earlier run or another process left there
 *   too), again after every emit and every `flushIntervalMs`, and backs off while the backend is down. See
 *   `delivery.ts` for the delivery guarantee, and `lineage/README.md`. In `mode: 'inline'` (the default, for
 *   callers written for the earlier emitter) `emit` also waits a little for the delivery, as `send` does.
 * - without a spool (a file or console transport, a composite whose http members spool for themselves), `emit`
 *   hands the event to the transport, in call order, within `totalTimeoutMs`.
 *
 * `send` is `emit` that also waits a little (at most `totalTimeoutMs`, and 2 s) to say what became of the event:
 * for the CLI and tests. `flushSpool` delivers now, ignoring the back-off (`assay lineage flush`); `drained`
 * waits for an empty spool; `close(timeoutMs)` delivers what it can in that time, then stops.
 */
import type { DeliveryCounts, Waiter } from './delivery.js';
import { SpoolDeliverer } from './delivery.js';
import type { LineageEvent } from './model.js';
import { Spool } from './spool.js';
import type { EmitOptions, Transport } from './transport.js';
import { isRetryableDeliveryError } from './transport.js';
import { validateEvent } from './validate.js';

export type EmitOutcome =
  /** Delivered by the transport (or found already delivered). */
  | 'sent'
  /** Kept in the spool; the background delivery will send it. */
  | 'spooled'
  /** Refused for good (invalid event, HTTP 4xx, a 500 that means 400): kept in `rejected.jsonl` with a spool. */
  | 'rejected'
  /** Not sent because a later event of its run was acknowledged first (sending it would regress the run). */
  | 'superseded'
  /** Lost: delivery failed and there is no spool (or the spool itself failed). Reported to `onError`. */
  | 'dropped'
  /** Still behind earlier events when the time budget ran out (no spool); it will be sent in order. */
  | 'queued';

export interface FlushResult {
  /** Events delivered by this flush. */
  sent: number;
  /** Events moved to `rejected.jsonl`. */
  rejected: number;
  /** Events still waiting. */
  remaining: number;
  /** Events dropped unsent because a later event of their run, or they themselves, had been acknowledged. */
  superseded?: number;
  /** True when another process was flushing the same spool, so this one did nothing. */
  busy?: boolean;
}

export interface LineageEmitterOptions {
  transport: Transport;
  /** Directory of the spool; `null` to go without one (events go straight to the transport). */
  spoolDir: string | null;
  /** Without a spool: longest wait of an emit for the transport; with one: of `send`. Default 10 000 ms. */
  totalTimeoutMs?: number;
  /** Validate each event (`validateEvent`) before accepting it; invalid events are rejected. Default false. */
  validate?: boolean;
  /** After a failed delivery, wait this long before trying again (doubling up to the max). Default 5000 ms. */
  flushBackoffMs?: number;
  /** Longest back-off. Default 60 000 ms. */
  maxFlushBackoffMs?: number;
  /** Told about every problem (failed delivery, rejected event, broken spool). Default: `console.warn`. */
  onError?: (error: unknown, event?: LineageEvent) => void;
  /** While idle, look for events other processes left in the spool this often. Default 30 000 ms. */
  flushIntervalMs?: number;
  /** Time limit of `flushSpool()` without a signal. Default 60 000 ms. */
  flushTimeoutMs?: number;
  /**
   * Events in flight at once; events that share a run, job or dataset never are. Default 4 in `background` mode,
   * 1 in `inline` mode (strictly in emit order, as the emitter delivered so far).
   */
  maxInFlight?: number;
  /** Start delivering the spool when created (what earlier runs left there). Default true. */
  deliverOnStart?: boolean;
  /** How long acknowledgements are remembered to drop late duplicates. Default 7 days. */
  ackRetentionMs?: number;
  /**
   * With a spool: `'background'` (what a worker should use): `emit` returns once the event is on disk, delivery
   * never waits for it, and after a failure the emitter tries again by itself when the back-off has passed.
   * `'inline'` (the default, how the emitter worked so far): `emit` also waits, like `send`, up to
   * `totalTimeoutMs` (at most 2 s) for the event's delivery, and after a failure tries again only at the next
   * emit, `flushIntervalMs` tick or flush. Both keep the same order and guarantees.
   */
  mode?: 'background' | 'inline';
}

/** Default of `totalTimeoutMs`. */
export const DEFAULT_EMIT_TIMEOUT_MS = 10_000;
/** Default of `close(timeoutMs)`. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;
/** Longest delay `setTimeout` accepts. */
const MAX_TIMER_MS = 2_147_483_647;
/** Time for the transport to give up after a spent budget (no spool). */
const QUEUE_GRACE_MS = 1_000;
/** Longest wait of `send` for a spooled event's fate. */
const SEND_WAIT_MS = 2_000;
/** A flush lock held by another process is tried again this often. */
const BUSY_RETRY_MS = 250;

export class LineageEmitter implements Transport {
  readonly spool: Spool | null;
  private readonly transport: Transport;
  private readonly deliverer: SpoolDeliverer | undefined;
  private readonly totalTimeoutMs: number;
  private readonly validate: boolean;
  private readonly flushTimeoutMs: number;
  private readonly onError: (error: unknown, event?: LineageEvent) => void;
  /** Without a spool: emits run one after the other, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Lines waiting to be appended together, in call order. */
  private appendBatch: { line: string; done: (error?: unknown) => void }[] = [];
  private appending: Promise<void> | undefined;
  private closed = false;
  private readonly mode: 'background' | 'inline';
  /** Events settled when a send last gave up waiting. */
  private gaveUpAt: number | undefined;

  constructor(options: LineageEmitterOptions) {
    this.transport = options.transport;
    this.spool = options.spoolDir === null ? null : new Spool(options.spoolDir);
    this.totalTimeoutMs = Math.min(options.totalTimeoutMs ?? DEFAULT_EMIT_TIMEOUT_MS, MAX_TIMER_MS - QUEUE_GRACE_MS);
    this.validate = options.validate ?? false;
    this.flushTimeoutMs = Math.min(options.flushTimeoutMs ?? 60_000, MAX_TIMER_MS);
    this.onError =
      options.onError ??
      ((error) => console.warn(`lineage: ${error instanceof Error ? error.message : String(error)}`));
    this.mode = options.mode ?? 'inline';
    if (this.spool) {
      this.deliverer = new SpoolDeliverer({
        retryOnItsOwn: this.mode === 'background',
        spool: this.spool,
        transport: this.transport,
        maxInFlight: Math.max(1, options.maxInFlight ?? (this.mode === 'background' ? 4 : 1)),
        backoffMs: options.flushBackoffMs ?? 5_000,
        maxBackoffMs: options.maxFlushBackoffMs ?? 60_000,
        pollIntervalMs: Math.min(options.flushIntervalMs ?? 30_000, MAX_TIMER_MS),
        busyRetryMs: BUSY_RETRY_MS,
        ackRetentionMs: options.ackRetentionMs ?? 7 * 86_400_000,
        report: (error, event) => this.report(error, event),
      });
      // Deferred, so that a caller's flushSpool() right after construction is the one that reports what it sent.
      if (options.deliverOnStart ?? true) setImmediate(() => this.deliverer?.start()).unref();
    }
  }

  /**
   * Accepts an event. With a spool in `background` mode: once it is synced to disk (no network); in `inline` mode,
   * also once it is delivered, or after at most `totalTimeoutMs` (2 s), or at once while the backend is failing.
   * Without a spool: once the transport has it (at most `totalTimeoutMs`). Never throws.
   */
  async emit(event: LineageEvent, _options?: EmitOptions): Promise<void> {
    if (!this.deliverer || this.mode === 'inline') {
      await this.send(event);
      return;
    }
    await this.accept(event, false);
  }

  /** Like `emit`, and says what became of the event (waiting at most `totalTimeoutMs`, and 2 s, for delivery). */
  async send(event: LineageEvent): Promise<EmitOutcome> {
    if (!this.deliverer) return this.sendDirect(event);
    const accepted = await this.accept(event, true);
    if (accepted.outcome) return accepted.outcome;
    const waiter = accepted.waiter!;
    const patience = Math.min(this.totalTimeoutMs, SEND_WAIT_MS);
    try {
      // Once a send has waited in vain, the next ones do not wait until the backend makes progress.
      if (this.deliverer.stalled(patience) || this.settledSinceGiveUp() === 0) return 'spooled';
      const fate = await within(waiter.done, patience);
      if (fate === undefined) this.gaveUpAt = settledCount(this.deliverer.counts);
      return fate === undefined || fate === 'waiting' ? 'spooled' : fate;
    } finally {
      this.deliverer.forget(waiter);
    }
  }

  /** Events settled since a send last gave up waiting (undefined when none did). */
  private settledSinceGiveUp(): number | undefined {
    return this.gaveUpAt === undefined ? undefined : settledCount(this.deliverer!.counts) - this.gaveUpAt;
  }

  /** Validates, then appends to the spool (or, when that fails, hands the event to the deliverer's memory). */
  private async accept(event: LineageEvent, wait: boolean): Promise<{ outcome?: EmitOutcome; waiter?: Waiter }> {
    const deliverer = this.deliverer!;
    const spool = this.spool!;
    let line: string;
    try {
      if (this.validate) validateEvent(event);
      line = JSON.stringify(event);
    } catch (err) {
      this.report(err, event);
      await spool.reject({ line: '', event }, (err as Error).message).catch((e: unknown) => this.report(e));
      return { outcome: 'rejected' };
    }
    const waiter = wait ? deliverer.expect(line) : undefined;
    try {
      await this.append(line);
    } catch (err) {
      const reason = (err as Error).message;
      this.report(new Error(`cannot spool a lineage event (${reason}); sending it without a copy on disk`));
      deliverer.hold(line, event, waiter);
      if (!this.closed) deliverer.start();
      return { waiter };
    }
    if (!this.closed) deliverer.start();
    return { waiter };
  }

  /** Appends a line to the spool, together with the lines of emits that come meanwhile (one write, one sync). */
  private append(line: string): Promise<void> {
    const appended = new Promise<void>((resolve, reject) => {
      this.appendBatch.push({ line, done: (error) => (error === undefined ? resolve() : reject(error)) });
    });
    this.appending ??= this.writeBatches();
    return appended;
  }

  private async writeBatches(): Promise<void> {
    while (this.appendBatch.length > 0) {
      const batch = this.appendBatch.splice(0);
      try {
        const lines = batch.map((b) => b.line);
        const range = await this.spool!.appendLines(lines);
        this.deliverer?.appended(lines, range);
        for (const b of batch) b.done();
      } catch (err) {
        for (const b of batch) b.done(err ?? new Error('spool append failed'));
      }
    }
    this.appending = undefined;
  }

  // ------------------------------------------------------------ without a spool

  private sendDirect(event: LineageEvent): Promise<EmitOutcome> {
    const deadline = Date.now() + this.totalTimeoutMs;
    const handled = this.queue.then(() => this.handleDirect(event, deadline));
    this.queue = handled.catch(() => undefined);
    const outcome = handled.catch((err: unknown) => {
      this.report(err, event);
      return 'dropped' as const;
    });
    // Earlier events may hold the queue past this event's budget: then return anyway; the event keeps its turn.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<EmitOutcome>((resolve) => {
      timer = setTimeout(() => resolve('queued'), this.totalTimeoutMs + QUEUE_GRACE_MS);
      timer.unref();
    });
    return Promise.race([outcome, late]).finally(() => clearTimeout(timer));
  }

  private async handleDirect(event: LineageEvent, deadline: number): Promise<EmitOutcome> {
    if (this.validate) {
      try {
        validateEvent(event);
      } catch (err) {
        this.report(err, event);
        return 'rejected';
      }
    }
    try {
      await withDeadline((signal) => this.transport.emit(event, { signal }), Math.max(0, deadline - Date.now()));
      return 'sent';
    } catch (err) {
      this.report(err, event);
      return isRetryableDeliveryError(err) ? 'dropped' : 'rejected';
    }
  }

  // ------------------------------------------------------------ operators

  /**
   * Delivers the spool now, ignoring the back-off, until it is empty, a delivery fails, or `signal` fires (default:
   * `flushTimeoutMs`); events of one run stay in order, superseded ones are dropped. One flush at a time per spool
   * across processes (`busy`). Also flushes the transport (a composite's members' own spools).
   */
  async flushSpool(options: { signal?: AbortSignal } = {}): Promise<FlushResult> {
    let result: FlushResult = { sent: 0, rejected: 0, remaining: 0 };
    if (this.deliverer && this.spool) {
      await this.appending;
      const before: DeliveryCounts = { ...this.deliverer.counts };
      const outcome = await this.deliverer.flush(options.signal ?? AbortSignal.timeout(this.flushTimeoutMs));
      const after = this.deliverer.counts;
      const superseded = after.superseded - before.superseded;
      result = {
        sent: after.sent - before.sent,
        rejected: after.rejected - before.rejected,
        remaining: await this.spool.size().catch(() => 0),
        ...(superseded > 0 ? { superseded } : {}),
        ...(outcome === 'busy' ? { busy: true } : {}),
      };
    }
    await this.transport.flush?.();
    return result;
  }

  /** `Transport.flush`: the same as `flushSpool()`. */
  async flush(): Promise<void> {
    await this.flushSpool();
  }

  /** Resolves when the spool is empty and nothing is in flight (without forcing anything: no flush). */
  async drained(): Promise<void> {
    await this.appending;
    await this.deliverer?.drained();
    await this.queue;
  }

  /** Events delivered, rejected, superseded and dropped by this emitter since it was created. */
  get counts(): Readonly<DeliveryCounts> {
    return this.deliverer?.counts ?? { sent: 0, rejected: 0, superseded: 0, dropped: 0 };
  }

  /**
   * Delivers what it can within `timeoutMs` (default 10 s; 0: nothing more), then stops: requests still in
   * flight are abandoned and their events stay in the spool for the next start. Closes the transport.
   */
  async close(timeoutMs: number = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    await this.appending;
    if (this.deliverer && this.spool && timeoutMs > 0 && !this.closed) {
      await this.deliverer.flush(AbortSignal.timeout(Math.min(timeoutMs, MAX_TIMER_MS)));
    }
    this.closed = true;
    await this.deliverer?.stop();
    await this.queue;
    await this.transport.close?.();
  }

  private report(error: unknown, event?: LineageEvent): void {
    try {
      this.onError(error, event);
    } catch {
      // a broken reporter must not break emitting
    }
  }
}

function settledCount(counts: DeliveryCounts): number {
  return counts.sent + counts.rejected + counts.superseded + counts.dropped;
}

/** The value of `promise` if it settles within `ms`, else undefined (the promise goes on). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  if (ms <= 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise.catch(() => undefined), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `task` with a signal that fires after `ms`; rejects at `ms` even if the task ignores the signal. */
async function withDeadline(task: (signal: AbortSignal) => Promise<void>, ms: number): Promise<void> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`delivery took longer than ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
    timer.unref();
  });
  try {
    await Promise.race([task(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
