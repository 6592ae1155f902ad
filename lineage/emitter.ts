/**
 * `LineageEmitter`: what materializations call. Lineage must never fail or stall a
 * materialization, so `emit` never throws and returns within `totalTimeoutMs` (plus a disk
 * append):
 *  - while the spool is empty, the event goes straight to the transport (which retries);
 *  - if that fails or runs out of time, the event is appended to the spool;
 *  - while the spool is not empty, new events go to the spool behind the older ones (order is
 *    preserved) and a flush is started (unless one runs, or the backend failed moments ago),
 *    re-sending the spool oldest first; the emit waits for it at most 2 s;
 *  - events the backend rejects for good (HTTP 4xx) go to `rejected.jsonl`, never block the spool.
 * Emits of one emitter are handled one at a time, in call order; an emit stuck behind earlier
 * ones returns `queued` when its budget is spent, and the event keeps its place.
 */
import { validateEvent } from './validate.js';
import type { LineageEvent } from './model.js';
import { Spool } from './spool.js';
import type { EmitOptions, Transport } from './transport.js';
import { isRetryableDeliveryError } from './transport.js';

export type EmitOutcome =
  /** Delivered by the transport. */
  | 'sent'
  /** Kept in the spool, to be re-sent by a later flush. */
  | 'spooled'
  /** Refused for good (invalid event, HTTP 4xx): kept in `rejected.jsonl` when there is a spool. */
  | 'rejected'
  /** Lost: delivery failed and there is no spool (or the spool itself failed). Reported to `onError`. */
  | 'dropped'
  /** Still behind earlier events when the time budget ran out; it will be sent or spooled in order. */
  | 'queued';

export interface FlushResult {
  /** Events delivered by this flush. */
  sent: number;
  /** Events moved to `rejected.jsonl`. */
  rejected: number;
  /** Events still waiting. */
  remaining: number;
  /** True when another process was flushing the same spool, so this one did nothing. */
  busy?: boolean;
}

export interface LineageEmitterOptions {
  transport: Transport;
  /** Directory of the spool; `null` to go without one (failed events are then only reported). */
  spoolDir: string | null;
  /** Longest time `emit` waits for delivery before spooling the event. Default 10 000 ms. */
  totalTimeoutMs?: number;
  /** Validate each event (`validateEvent`) before sending; invalid events are rejected. Default false. */
  validate?: boolean;
  /** After a failed delivery, emits wait this long before trying the backend again; doubles up to 60 s. Default 5000 ms. */
  flushBackoffMs?: number;
  /** Told about every problem (failed delivery, rejected event, broken spool). Default: `console.warn`. */
  onError?: (error: unknown, event?: LineageEvent) => void;
  /** Also try to flush the spool every this many ms (a timer that does not keep the process alive). Default: off. */
  flushIntervalMs?: number;
  /** Time limit of a flush started by an emit or the interval. Default 60 000 ms. */
  flushTimeoutMs?: number;
}

/** Default of `totalTimeoutMs`. */
export const DEFAULT_EMIT_TIMEOUT_MS = 10_000;
const MAX_FLUSH_BACKOFF_MS = 60_000;
/** Longest delay `setTimeout` accepts. */
const MAX_TIMER_MS = 2_147_483_647;
/** Time for the disk append that follows a spent budget. */
const QUEUE_GRACE_MS = 1_000;
/** How long an emit that started a flush waits for it. */
const FLUSH_WAIT_MS = 2_000;
/** Delivered lines are removed from the spool in batches of this size (a crash re-sends at most one batch). */
const REMOVE_BATCH = 100;

export class LineageEmitter implements Transport {
  readonly spool: Spool | null;
  private readonly transport: Transport;
  private readonly totalTimeoutMs: number;
  private readonly validate: boolean;
  private readonly initialBackoffMs: number;
  private readonly flushTimeoutMs: number;
  private readonly onError: (error: unknown, event?: LineageEvent) => void;
  /** Emits run one after the other, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  private flushing: Promise<FlushResult> | undefined;
  private backoffMs: number;
  private nextAttemptAt = 0;
  private readonly interval: NodeJS.Timeout | undefined;

  constructor(options: LineageEmitterOptions) {
    this.transport = options.transport;
    this.spool = options.spoolDir === null ? null : new Spool(options.spoolDir);
    this.totalTimeoutMs = Math.min(options.totalTimeoutMs ?? DEFAULT_EMIT_TIMEOUT_MS, MAX_TIMER_MS - QUEUE_GRACE_MS);
    this.validate = options.validate ?? false;
    this.initialBackoffMs = options.flushBackoffMs ?? 5_000;
    this.backoffMs = this.initialBackoffMs;
    this.flushTimeoutMs = Math.min(options.flushTimeoutMs ?? 60_000, MAX_TIMER_MS);
    this.onError =
      options.onError ??
      ((error) => console.warn(`lineage: ${error instanceof Error ? error.message : String(error)}`));
    if (options.flushIntervalMs !== undefined && this.spool) {
      this.interval = setInterval(() => void this.startFlush(), Math.min(options.flushIntervalMs, MAX_TIMER_MS));
      this.interval.unref();
    }
  }

  /** Sends an event, or spools it; never throws, returns within `totalTimeoutMs` (+1 s for a disk append). */
  async emit(event: LineageEvent, _options?: EmitOptions): Promise<void> {
    await this.send(event);
  }

  /** Like `emit`, and says what became of the event. */
  send(event: LineageEvent): Promise<EmitOutcome> {
    const deadline = Date.now() + this.totalTimeoutMs;
    const handled = this.queue.then(() => this.handle(event, deadline));
    this.queue = handled.catch(() => undefined);
    const outcome = handled.catch((err: unknown) => {
      this.report(err, event);
      return 'dropped' as const;
    });
    // Earlier events may hold the queue past this event's budget: then return anyway, and let
    // the event take its turn (sent or spooled, in order) after the caller has moved on.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<EmitOutcome>((resolve) => {
      timer = setTimeout(() => resolve('queued'), this.totalTimeoutMs + QUEUE_GRACE_MS);
      timer.unref();
    });
    return Promise.race([outcome, late]).finally(() => clearTimeout(timer));
  }

  private async handle(event: LineageEvent, deadline: number): Promise<EmitOutcome> {
    if (this.validate) {
      try {
        validateEvent(event);
      } catch (err) {
        this.report(err, event);
        await this.spool?.reject({ line: JSON.stringify(event), event }, (err as Error).message);
        return 'rejected';
      }
    }
    if (this.spool && (await this.spoolHasEvents(this.spool))) {
      await this.spool.append([event]);
      const flush = this.startFlush();
      if (!flush) return 'spooled';
      // A healthy backend empties the spool quickly; a slow flush goes on without this emit.
      const result = await within(flush, Math.min(deadline - Date.now(), FLUSH_WAIT_MS));
      return result !== undefined && result.remaining === 0 && !result.busy ? 'sent' : 'spooled';
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0 && this.spool) {
      // Earlier events used up this one's time: it waits in the spool for the next flush.
      await this.spool.append([event]);
      // The flush goes on in the background; startFlush handles its own errors.
      void this.startFlush();
      return 'spooled';
    }
    try {
      await withDeadline((signal) => this.transport.emit(event, { signal }), remaining);
      this.backoffMs = this.initialBackoffMs;
      return 'sent';
    } catch (err) {
      if (!isRetryableDeliveryError(err)) {
        this.report(err, event);
        await this.spool?.reject({ line: JSON.stringify(event), event }, (err as Error).message);
        return 'rejected';
      }
      this.noteFailure();
      if (!this.spool) {
        this.report(err, event);
        return 'dropped';
      }
      await this.spool.append([event]);
      this.report(new Error(`event spooled in ${this.spool.file}: ${(err as Error).message}`), event);
      return 'spooled';
    }
  }

  /** Whether events wait in the spool; an unreadable spool counts as empty (and is reported) so delivery is still tried. */
  private async spoolHasEvents(spool: Spool): Promise<boolean> {
    try {
      return !(await spool.isEmpty());
    } catch (err) {
      this.report(err);
      return false;
    }
  }

  /**
   * Starts a flush in the background, unless one is running (it will pick up new lines) or the
   * backend failed recently. The flush has its own time limit, so it may outlive the emit.
   */
  private startFlush(): Promise<FlushResult> | undefined {
    if (this.flushing || Date.now() < this.nextAttemptAt) return undefined;
    const flush = this.flushSpool({ signal: AbortSignal.timeout(this.flushTimeoutMs) });
    flush.catch((err: unknown) => this.report(err));
    return flush;
  }

  private noteFailure(): void {
    this.nextAttemptAt = Date.now() + this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_FLUSH_BACKOFF_MS);
  }

  private report(error: unknown, event?: LineageEvent): void {
    try {
      this.onError(error, event);
    } catch {
      // a broken reporter must not break emitting
    }
  }

  /**
   * Re-sends spooled events, oldest first, until the spool is empty, an event fails, or `signal`
   * fires; removes delivered events from the spool. One flush at a time per process, and per
   * spool across processes. Also flushes the transport (a composite's members' own spools).
   */
  async flushSpool(options: { signal?: AbortSignal } = {}): Promise<FlushResult> {
    if (!this.flushing) {
      this.flushing = this.flushOnce(options.signal).finally(() => {
        this.flushing = undefined;
      });
    }
    const result = await this.flushing;
    await this.transport.flush?.();
    return result;
  }

  /** `Transport.flush`: the same as `flushSpool()`. */
  async flush(): Promise<void> {
    await this.flushSpool();
  }

  private async flushOnce(signal: AbortSignal | undefined): Promise<FlushResult> {
    const spool = this.spool;
    if (!spool) return { sent: 0, rejected: 0, remaining: 0 };
    if (await spool.isEmpty()) return { sent: 0, rejected: 0, remaining: 0 };
    const lock = await spool.acquireFlushLock();
    if (!lock) return { sent: 0, rejected: 0, remaining: await spool.size(), busy: true };
    let sent = 0;
    let rejected = 0;
    try {
      for (;;) {
        const entries = await spool.read();
        if (entries.length === 0) break;
        const done: string[] = [];
        let stopped = false;
        for (const entry of entries) {
          if (signal?.aborted) {
            stopped = true;
            break;
          }
          if (entry.event === undefined) {
            await spool.reject(entry, 'spooled line is not a JSON object');
            rejected++;
          } else {
            try {
              await this.transport.emit(entry.event, { signal });
              sent++;
            } catch (err) {
              if (isRetryableDeliveryError(err)) {
                this.noteFailure();
                stopped = true;
                break;
              }
              this.report(err, entry.event);
              await spool.reject(entry, (err as Error).message);
              rejected++;
            }
          }
          done.push(entry.line);
          await lock.touch();
          if (done.length >= REMOVE_BATCH) await spool.removeHead(done.splice(0));
        }
        await spool.removeHead(done);
        if (stopped) break;
      }
      if (sent > 0) this.backoffMs = this.initialBackoffMs;
      return { sent, rejected, remaining: await spool.size() };
    } finally {
      await lock.release();
    }
  }

  /** Waits for pending emits and for a flush in progress, then closes the transport. */
  async close(): Promise<void> {
    if (this.interval) clearInterval(this.interval);
    await this.queue;
    await this.flushing;
    await this.transport.close?.();
  }
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
