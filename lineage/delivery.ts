/**
 * Background delivery of the spool: `SpoolDeliverer` sends the events waiting in a spool to a transport, on its
 * own, and keeps every run's order (see `ordering.ts`). It works in sessions, each under the spool's flush lock
 * (so one process at a time delivers a spool that several share):
 *
 *  1. take the flush lock (busy: try again soon), load the ack log, read the spool;
 *  2. send events, oldest first, up to `maxInFlight` at a time, an event only when no earlier waiting event
 *     conflicts with it (same run, job or output; its parent run or an input written earlier); skip an event the
 *     ack log says is superseded or already delivered;
 *  3. when the backend accepts an event, sync an ack record to the ack log before anything that depends on it
 *     is sent; when it refuses one for good, move it to `rejected.jsonl`; when delivery fails otherwise, stop
 *     sending, wait for what is in flight (and for requests that timed out but may still land: `settled`), and
 *     back off (doubling up to `maxBackoffMs`);
 *  4. remove delivered, rejected and skipped lines from the spool in batches, release the lock.
 *
 * It starts a session whenever the spool has lines: at start, after each append of this process, and every
 * `pollIntervalMs` (lines left by other processes). Events that could not be appended to the spool (a broken
 * disk) are held in memory and get one delivery attempt, in order with the rest.
 */
import { AckLog } from './ack-log.js';
import type { HeldLock } from './lock-file.js';
import type { LineageEvent } from './model.js';
import type { AckRecord, ConflictKeys, RunStep } from './ordering.js';
import { AckState, conflictKeys, eventId, runStep } from './ordering.js';
import type { Spool, SpoolEntry } from './spool.js';
import { parseLine } from './spool.js';
import type { Transport } from './transport.js';
import { LineageTransportError, isRetryableDeliveryError } from './transport.js';

/** What became of an event: delivered (or found already delivered), refused, superseded, or lost. */
export type Fate = 'sent' | 'rejected' | 'superseded' | 'dropped';

export interface DeliveryCounts {
  sent: number;
  rejected: number;
  /** Dropped because a later event of the run was acknowledged, or already delivered. */
  superseded: number;
  dropped: number;
}

export interface SpoolDelivererOptions {
  spool: Spool;
  transport: Transport;
  maxInFlight: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** Check the spool for other processes' lines this often while idle. */
  pollIntervalMs: number;
  /** Retry a busy flush lock after this long. */
  busyRetryMs: number;
  /** Keep acknowledgements this long in the ack log. */
  ackRetentionMs: number;
  /**
   * After a failed delivery, try again when the back-off has passed (true), or only at the next trigger after it:
   * an append of this process, a `pollIntervalMs` tick, a flush (false, how the emitter worked before).
   */
  retryOnItsOwn: boolean;
  report(error: unknown, event?: LineageEvent): void;
}

interface Entry {
  line: string;
  id: string;
  event: LineageEvent | undefined;
  step: RunStep | undefined;
  keys: ConflictKeys;
  /** `unsettled`: the last delivery failed, but a request with it may still land. */
  state: 'pending' | 'inflight' | 'unsettled' | 'done';
  /** Held in memory: the spool could not take it. */
  memory: boolean;
  startedAt: number;
  /** Sequence number of the attempt in flight. */
  attempt: number;
  fate?: Fate;
  waiter?: Waiter;
}

/** A caller waiting for an event of this process. */
export interface Waiter {
  readonly line: string;
  /** Attempts started before the waiter do not count as its failures. */
  readonly since: number;
  readonly done: Promise<Fate | 'waiting'>;
  settle(fate: Fate | 'waiting'): void;
}

type FlushOutcome = 'done' | 'busy';

/** Remove delivered lines once this many are done (and whenever the spool is idle or someone waits). */
const REMOVE_BATCH = 64;
/** Look no further than this many waiting events for one that may go. */
const LOOKAHEAD = 2_000;
/** Compact the ack log above this size. */
const ACK_COMPACT_BYTES = 256 * 1024;
/** Touch the flush lock this often while holding it (it is taken over after 120 s of silence). */
const TOUCH_MS = 10_000;
/** Pause after an unexpected error of the loop itself. */
const ERROR_PAUSE_MS = 1_000;
/** Keep an idle session (and its lock) this long for further emits. */
const LINGER_MS = 500;
/**
 * Lineage yields to the pipeline: while this process is appending (emits less than this apart), delivery waits,
 * so that its disk syncs do not slow the emits down; but never longer than `MAX_DEFER_MS`.
 */
const QUIET_MS = 25;
const MAX_DEFER_MS = 1_000;
/** Look for lines of other processes this often during a session. */
const REFRESH_MS = 250;

export class SpoolDeliverer {
  readonly counts: DeliveryCounts = { sent: 0, rejected: 0, superseded: 0, dropped: 0 };
  private readonly spool: Spool;
  private readonly ackLog: AckLog;
  private readonly options: SpoolDelivererOptions;
  private acks = new AckState();
  /** Spool lines read in this session, in file order. */
  private entries: Entry[] = [];
  /** Events the spool could not take. */
  private memory: Entry[] = [];
  private offset = 0;
  private session: { lock: HeldLock | null; touchedAt: number; idleSince?: number } | undefined;
  private failedInSession = false;
  private backoffMs: number;
  private backoffUntil = 0;
  private forced = false;
  private attempts = 0;
  private stopping = false;
  private readonly controller = new AbortController();
  private loopDone: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  /** A wake-up that came while the loop was not asleep: the next sleep returns at once. */
  private woken = false;
  private waiters = new Map<string, Waiter[]>();
  /** Flushes waiting; a failure ends one only when the failed attempt started after it (`since`). */
  private flushWaiters: { since: number; resolve: (outcome: FlushOutcome) => void }[] = [];
  /** Latest attempt that failed in this session. */
  private failedAttempt = 0;
  private idleWaiters: (() => void)[] = [];
  /** Acknowledgements waiting to be written to the ack log together (one write, one sync). */
  private ackBatch: { record: AckRecord; done: () => void }[] = [];
  private ackWriting: Promise<void> | undefined;
  /** Size of the ack log as this process last left it (-1: unknown), and after its last compaction. */
  private ackSize = -1;
  private compactedSize = 0;
  private lockBusy = false;
  private failing = false;
  /** When this process last appended, and when delivery started waiting for a quiet moment. */
  private lastAppendAt = 0;
  private deferringSince: number | undefined;
  /** Something asked for delivery since the last failed session (for `retryOnItsOwn: false`). */
  private triggered = false;
  /** The spool has lines this session has not read; and when it last looked. */
  private dirty = true;
  private refreshedAt = 0;
  /** A read of the spool is under way: appends are then left for the next read, not handed over. */
  private reading = false;

  constructor(options: SpoolDelivererOptions) {
    this.options = options;
    this.spool = options.spool;
    this.ackLog = new AckLog(options.spool.ackFile);
    this.backoffMs = options.backoffMs;
  }

  /** Starts the background loop (once). */
  start(): void {
    this.loopDone ??= this.loop();
  }

  /** Wakes the loop: new lines, a flush, a stop. */
  wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    if (wake) wake();
    else this.woken = true;
  }

  /** A waiter for an event about to be appended by this process (register before the append). */
  expect(line: string): Waiter {
    let settle: (fate: Fate | 'waiting') => void = () => {};
    const done = new Promise<Fate | 'waiting'>((resolve) => {
      settle = resolve;
    });
    const waiter: Waiter = { line, since: this.attempts, done, settle };
    const list = this.waiters.get(line) ?? [];
    list.push(waiter);
    this.waiters.set(line, list);
    return waiter;
  }

  /**
   * This process appended `lines` at `range` of the spool: take them without reading the file when they follow
   * what the session has read.
   */
  appended(lines: readonly string[], range: { start: number; end: number } | undefined): void {
    this.lastAppendAt = Date.now();
    this.triggered = true;
    if (this.session?.lock && !this.reading && range && range.start === this.offset) {
      for (const line of lines) this.entries.push(this.entry({ line, event: parseLine(line) }, false));
      this.offset = range.end;
    } else {
      this.dirty = true;
    }
    this.wake();
  }

  /** Forgets a waiter that stopped waiting. */
  forget(waiter: Waiter): void {
    const list = this.waiters.get(waiter.line);
    if (!list) return;
    const i = list.indexOf(waiter);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.waiters.delete(waiter.line);
    for (const e of [...this.entries, ...this.memory]) if (e.waiter === waiter) delete e.waiter;
  }

  /** Holds an event the spool could not take; it gets one delivery attempt, in order with the rest. */
  hold(line: string, event: LineageEvent, waiter?: Waiter): void {
    if (waiter) this.forget(waiter);
    const entry = this.entry({ line, event }, true);
    if (waiter) entry.waiter = waiter;
    this.memory.push(entry);
    this.wake();
  }

  /**
   * Whether a waiter should stop waiting now: the backend is backing off, another process holds the spool, or a
   * request has been in flight for longer than `patienceMs`.
   */
  stalled(patienceMs: number): boolean {
    if (Date.now() < this.backoffUntil || this.lockBusy) return true;
    const now = Date.now();
    return this.entries.some(
      (e) => (e.state === 'inflight' || e.state === 'unsettled') && now - e.startedAt >= patienceMs,
    );
  }

  /**
   * Delivers now, ignoring the back-off: resolves when the spool is empty, a delivery failed, another process
   * holds the spool (`busy`), or `signal` fires.
   */
  async flush(signal?: AbortSignal): Promise<FlushOutcome | 'aborted'> {
    this.forced = true;
    this.backoffUntil = 0;
    this.start();
    const since = this.attempts;
    const outcome = new Promise<FlushOutcome>((resolve) => this.flushWaiters.push({ since, resolve }));
    this.wake();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<'aborted'>((resolve) => {
      onAbort = () => resolve('aborted');
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([outcome, aborted]);
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Resolves when the spool is empty and nothing is in flight. */
  async drained(): Promise<void> {
    this.start();
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.wake();
    await idle;
  }

  /** Stops the loop: aborts requests in flight (their events stay in the spool) and releases the lock. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.controller.abort(new Error('lineage emitter closed'));
    this.wake();
    await this.loopDone;
    for (const list of this.waiters.values()) for (const w of list) w.settle('waiting');
    this.waiters.clear();
    this.resolveFlushes('done');
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  // ------------------------------------------------------------ the loop

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.cycle();
      } catch (err) {
        this.options.report(err);
        await this.settleInFlight();
        await this.endSession().catch((e: unknown) => this.options.report(e));
        await this.sleep(ERROR_PAUSE_MS);
      }
    }
    await this.settleInFlight();
    await this.removeDone().catch((err: unknown) => this.options.report(err));
    await this.endSession().catch((err: unknown) => this.options.report(err));
  }

  private async cycle(): Promise<void> {
    if (!this.session) {
      const wait = this.backoffUntil - Date.now();
      if (wait > 0 && !this.forced) {
        await this.sleep(wait);
        return;
      }
      if (this.failing && !this.options.retryOnItsOwn && !this.forced && !this.triggered) {
        // After a failure, wait for a reason to try again: an emit, a flush, or the periodic check.
        if ((await this.sleep(this.options.pollIntervalMs)) === 'timeout') this.triggered = true;
        return;
      }
      if (!(await this.hasWork())) {
        this.idle();
        await this.sleep(this.options.pollIntervalMs);
        return;
      }
      let lock: HeldLock | null | undefined;
      try {
        lock = await this.spool.acquireFlushLock();
      } catch (err) {
        // No usable spool folder: deliver what is held in memory without it.
        if (this.memory.length === 0) throw err;
        lock = null;
      }
      if (lock === undefined) {
        this.lockBusy = true;
        this.resolveFlushes('busy');
        await this.sleep(this.options.busyRetryMs);
        return;
      }
      this.lockBusy = false;
      await this.beginSession(lock);
    }
    await this.refresh();
    const again = this.launch();
    const active = this.count('inflight') + this.count('unsettled') > 0;
    const waiting = this.entries.some((e) => e.state === 'pending') || this.memory.some((e) => e.state === 'pending');
    if (!active && this.failedInSession) {
      await this.removeDone();
      await this.endSession();
      this.triggered = false;
      // A flush ends at its first failure.
      this.resolveFlushes('done', this.failedAttempt);
      return;
    }
    if (!active && !waiting) {
      // All caught up. Someone waiting for that learns it now; otherwise keep the session (and the lock) a
      // moment for the next emits, so that a steady trickle costs no lock and no spool rewrite per event.
      if (this.flushWaiters.length > 0 || this.idleWaiters.length > 0 || this.stopping) {
        await this.removeDone();
        if (await this.spoolEmpty()) this.idle();
      }
      const idleFor = Date.now() - (this.session?.idleSince ?? Date.now());
      if (this.session && this.session.idleSince === undefined) this.session.idleSince = Date.now();
      if (idleFor >= LINGER_MS || this.stopping || !this.session?.lock) {
        await this.removeDone();
        await this.endSession();
        return;
      }
      await this.sleep(LINGER_MS - idleFor);
      return;
    }
    if (this.session) delete this.session.idleSince;
    if (this.shouldRemove()) await this.removeDone();
    if (this.session?.lock && Date.now() - this.session.touchedAt > TOUCH_MS) {
      await this.session.lock.touch();
      this.session.touchedAt = Date.now();
    }
    await this.sleep(Math.min(this.options.pollIntervalMs, REFRESH_MS, again ?? Infinity));
  }

  /** Whether the spool holds no line this session has not settled and removed. */
  private async spoolEmpty(): Promise<boolean> {
    if (this.memory.length > 0) return false;
    try {
      return await this.spool.isEmpty();
    } catch {
      return true;
    }
  }

  private async hasWork(): Promise<boolean> {
    if (this.memory.length > 0) return true;
    try {
      return !(await this.spool.isEmpty());
    } catch {
      return false;
    }
  }

  /** Nothing to do: tell who waits for an empty spool. */
  private idle(): void {
    this.resolveFlushes('done');
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Ends the flushes waiting (with `failedAttempt`: those that the failure of that attempt ends). */
  private resolveFlushes(outcome: FlushOutcome, failedAttempt?: number): void {
    const ending = this.flushWaiters.filter((w) => failedAttempt === undefined || w.since < failedAttempt);
    this.flushWaiters = this.flushWaiters.filter((w) => !ending.includes(w));
    if (this.flushWaiters.length === 0) this.forced = false;
    for (const w of ending) w.resolve(outcome);
  }

  private async beginSession(lock: HeldLock | null): Promise<void> {
    this.session = { lock, touchedAt: Date.now() };
    this.dirty = true;
    this.failedInSession = false;
    this.failedAttempt = 0;
    this.entries = [];
    this.offset = 0;
    if (!lock) return;
    // Another process may have delivered (and acknowledged) events since this one last held the lock: reload
    // the ack log unless it is as this process left it.
    const size = await this.ackLog.size();
    if (size !== this.ackSize) this.acks = await this.ackLog.load();
    this.ackSize = size;
    // Compact when the log has doubled since it was last compacted (so a busy lake does not rewrite it often).
    if (size > Math.max(ACK_COMPACT_BYTES, 2 * this.compactedSize)) {
      this.compactedSize = await this.ackLog.compact(this.acks, Date.now() - this.options.ackRetentionMs);
      this.ackSize = this.compactedSize;
    }
  }

  private async endSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.entries = [];
    this.offset = 0;
    this.failedInSession = false;
    await session?.lock?.release();
  }

  /** Reads lines appended to the spool since the last read (all of it, when it was rewritten). */
  private async refresh(): Promise<void> {
    if (!this.session?.lock) return;
    if (!this.dirty && Date.now() - this.refreshedAt < REFRESH_MS) return;
    this.dirty = false;
    this.refreshedAt = Date.now();
    this.reading = true;
    try {
      let read = await this.spool.readFrom(this.offset);
      if (!read) {
        // Rewritten behind this session's back: start over from the whole file, keeping what is known.
        read = await this.spool.readFrom(0);
        if (!read) return;
        this.entries = this.realign(read.entries);
        this.offset = read.end;
        return;
      }
      for (const spooled of read.entries) this.entries.push(this.entry(spooled, false));
      this.offset = read.end;
    } finally {
      this.reading = false;
    }
  }

  /** Entries for `spooled`, reusing the known ones (same line, in order) except `removed`. */
  private realign(spooled: readonly SpoolEntry[], removed: ReadonlySet<Entry> = new Set()): Entry[] {
    const known = new Map<string, Entry[]>();
    for (const e of this.entries) {
      if (removed.has(e)) continue;
      const list = known.get(e.line) ?? [];
      list.push(e);
      known.set(e.line, list);
    }
    return spooled.map((s) => known.get(s.line)?.shift() ?? this.entry(s, false));
  }

  private entry(spooled: SpoolEntry, memory: boolean): Entry {
    const entry: Entry = {
      line: spooled.line,
      id: eventId(spooled.line),
      event: spooled.event,
      step: runStep(spooled.event),
      keys: conflictKeys(spooled.event),
      state: 'pending',
      memory,
      startedAt: 0,
      attempt: 0,
    };
    if (!memory) {
      const waiter = this.waiters.get(spooled.line)?.shift();
      if (waiter) {
        entry.waiter = waiter;
        if (this.waiters.get(spooled.line)?.length === 0) this.waiters.delete(spooled.line);
      }
    }
    return entry;
  }

  private count(state: Entry['state']): number {
    let n = 0;
    for (const e of this.entries) if (e.state === state) n++;
    for (const e of this.memory) if (e.state === state) n++;
    return n;
  }

  /** Starts every event that may go now; returns when to look again if it held back for the emits. */
  private launch(): number | undefined {
    if (this.failedInSession || this.stopping) return undefined;
    const now = Date.now();
    const someoneWaits = this.entries.some((e) => e.waiter && e.state === 'pending');
    const quiet = now - this.lastAppendAt >= QUIET_MS || now - (this.deferringSince ?? now) >= MAX_DEFER_MS;
    if (!this.forced && !someoneWaits && !quiet) {
      this.deferringSince ??= now;
      return this.lastAppendAt + QUIET_MS - now;
    }
    this.deferringSince = undefined;
    let capacity = this.options.maxInFlight - this.count('inflight') - this.count('unsettled');
    const writes = new Set<string>();
    const reads = new Set<string>();
    let scanned = 0;
    for (const entry of [...this.entries, ...this.memory]) {
      if (entry.state === 'done') continue;
      if (capacity <= 0 || ++scanned > LOOKAHEAD) break;
      const blocked =
        entry.keys.writes.some((k) => writes.has(k) || reads.has(k)) || entry.keys.reads.some((k) => writes.has(k));
      if (entry.state === 'pending' && !blocked) {
        if (this.skip(entry)) continue;
        this.send(entry);
        capacity--;
      }
      for (const k of entry.keys.writes) writes.add(k);
      for (const k of entry.keys.reads) reads.add(k);
    }
    return undefined;
  }

  /** Settles an event that must not be sent: not JSON, superseded, or already delivered. */
  private skip(entry: Entry): boolean {
    if (entry.event === undefined) {
      entry.state = 'inflight';
      void this.spool
        .reject({ line: entry.line, event: undefined }, 'spooled line is not a JSON object')
        .catch((err: unknown) => this.options.report(err))
        .finally(() => this.finish(entry, 'rejected'));
      return true;
    }
    const verdict = this.acks.verdict(entry.id, entry.step);
    if (verdict === 'send') return false;
    // Already delivered (its caller learns 'sent'), or overtaken by a later acknowledged event of its run.
    this.finish(entry, verdict === 'duplicate' ? 'sent' : 'superseded', 'superseded');
    return true;
  }

  private send(entry: Entry): void {
    entry.state = 'inflight';
    entry.startedAt = Date.now();
    entry.attempt = ++this.attempts;
    const event = entry.event!;
    this.options.transport.emit(event, { signal: this.controller.signal }).then(
      () => this.acknowledged(entry),
      (err: unknown) => this.failed(entry, err),
    );
  }

  /** The backend has the event: record it durably, then let what depends on it go. */
  private acknowledged(entry: Entry): void {
    const record: AckRecord = {
      id: entry.id,
      ...(entry.step ? { run: entry.step.runId, rank: entry.step.rank, time: entry.step.time } : {}),
      at: Date.now(),
    };
    const write = entry.memory || !this.session?.lock ? Promise.resolve() : this.recordAck(record);
    void write
      .catch((err: unknown) => this.options.report(err))
      .finally(() => {
        this.acks.record(record);
        this.backoffMs = this.options.backoffMs;
        this.backoffUntil = 0;
        this.failing = false;
        this.finish(entry, 'sent');
      });
  }

  /** Writes an acknowledgement with the others that come meanwhile; resolves once it is synced. */
  private recordAck(record: AckRecord): Promise<void> {
    const written = new Promise<void>((resolve) => this.ackBatch.push({ record, done: resolve }));
    this.ackWriting ??= this.writeAcks();
    return written;
  }

  private async writeAcks(): Promise<void> {
    while (this.ackBatch.length > 0) {
      const batch = this.ackBatch.splice(0);
      try {
        this.ackSize = await this.ackLog.append(batch.map((b) => b.record));
      } catch (err) {
        this.ackSize = -1;
        this.options.report(err);
      }
      for (const b of batch) b.done();
    }
    this.ackWriting = undefined;
  }

  private failed(entry: Entry, err: unknown): void {
    if (!isRetryableDeliveryError(err)) {
      this.options.report(err, entry.event);
      void this.spool
        .reject({ line: entry.line, event: entry.event }, (err as Error).message)
        .catch((e: unknown) => this.options.report(e))
        .finally(() => this.finish(entry, 'rejected'));
      return;
    }
    if (entry.memory) {
      // The spool could not take it: it is lost now.
      this.options.report(err, entry.event);
      this.finish(entry, 'dropped');
      return;
    }
    if (!this.stopping) this.noteFailure(err, entry.attempt);
    const settled = err instanceof LineageTransportError ? err.settled : undefined;
    if (!settled) {
      entry.state = 'pending';
      this.wake();
      return;
    }
    // A request with it may still land: nothing later of its run may go before that is known.
    entry.state = 'unsettled';
    void settled.then(
      (accepted) => {
        if (accepted) this.acknowledged(entry);
        else {
          entry.state = 'pending';
          this.wake();
        }
      },
      () => {
        entry.state = 'pending';
        this.wake();
      },
    );
  }

  private noteFailure(err: unknown, attempt: number): void {
    this.failedInSession = true;
    this.failedAttempt = Math.max(this.failedAttempt, attempt);
    this.backoffUntil = Date.now() + this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
    if (!this.failing) {
      this.failing = true;
      const message = err instanceof Error ? err.message : String(err);
      this.options.report(new Error(`lineage delivery failed, events wait in ${this.spool.file}: ${message}`));
    }
    // Callers waiting for events emitted before this attempt started stop waiting: their events stay spooled.
    for (const list of this.waiters.values()) for (const w of list) if (w.since < attempt) w.settle('waiting');
    for (const e of [...this.entries, ...this.memory]) {
      if (e.waiter && e.waiter.since < attempt && e.state !== 'done') e.waiter.settle('waiting');
    }
  }

  /** An event is settled; its caller learns it once its line is out of the spool. */
  private finish(entry: Entry, fate: Fate, counted: keyof DeliveryCounts = fate): void {
    entry.state = 'done';
    entry.fate = fate;
    this.counts[counted]++;
    if (entry.memory) {
      this.memory.splice(this.memory.indexOf(entry), 1);
      entry.waiter?.settle(fate);
    }
    this.wake();
  }

  /** Trim the spool when someone waits for an event, or a quarter of it (at least 64 lines) is settled. */
  private shouldRemove(): boolean {
    let done = 0;
    for (const e of this.entries) {
      if (e.state !== 'done') continue;
      if (e.waiter) return true;
      done++;
    }
    return done >= Math.max(REMOVE_BATCH, this.entries.length / 4);
  }

  /** Removes settled lines from the spool and tells their callers. */
  private async removeDone(): Promise<void> {
    const done = this.entries.filter((e) => e.state === 'done');
    if (done.length === 0 || !this.session?.lock) return;
    this.reading = true;
    try {
      await this.spool.remove(done.map((e) => e.line));
      for (const e of done) e.waiter?.settle(e.fate!);
      const read = await this.spool.readFrom(0);
      // Events settled meanwhile keep their state: they are removed next time, not sent again.
      this.entries = read ? this.realign(read.entries, new Set(done)) : [];
      this.offset = read?.end ?? 0;
    } finally {
      this.reading = false;
    }
  }

  /** Waits until no request is in flight (on stop they are aborted, so this is quick). */
  private async settleInFlight(): Promise<void> {
    while (this.count('inflight') + this.count('unsettled') > 0) await this.sleep(this.options.pollIntervalMs);
    await this.ackWriting;
  }

  /** Sleeps until woken or `ms` passed; the timer never keeps the process alive. */
  private sleep(ms: number): Promise<'woken' | 'timeout'> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve('woken');
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => done('timeout'), Math.max(0, Math.min(ms, 2_147_483_647)));
      timer.unref();
      const previous = this.wakeUp;
      const wakeUp = () => {
        previous?.();
        done('woken');
      };
      this.wakeUp = wakeUp;
      const self = this;
      function done(why: 'woken' | 'timeout'): void {
        clearTimeout(timer);
        if (self.wakeUp === wakeUp) self.wakeUp = undefined;
        resolve(why);
      }
    });
  }
}
