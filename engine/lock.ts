/**
 * One materialization of an asset partition at a time, across runs, workers and hosts that share ASSAY_HOME:
 * a lock directory per (asset, partition) under `locks/`, created atomically (`mkdir`, which also holds on NFS)
 * by proper-lockfile, whose holder refreshes its modification time every 2 s. A holder that died (kill -9, a
 * lost host) stops refreshing it, and after 10 s the lock is stale and the next materialization takes it.
 *
 * A single run over many partitions takes all their locks, or none: it tries them all at once and, if one is held,
 * gives back those it got and waits — so two runs over overlapping ranges never hold each other's locks forever.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import lockfile from 'proper-lockfile';
import { lockPath } from './lake.js';

const STALE_MS = 10_000;
const REFRESH_MS = 2_000;
const POLL_MS = 50;
const MAX_POLL_MS = 500;
/** Lock directories created at once. */
const PARALLEL = 32;

export interface AssetLock {
  /** True when another materialization held a lock and this one waited for it. */
  readonly waited: boolean;
  /** When this one started waiting (epoch ms). */
  readonly requestedAt: number;
  release(): Promise<void>;
}

export interface LockOptions {
  /** Called while waiting (e.g. to heartbeat), at most every 500 ms. */
  onWait?: () => void;
  signal?: AbortSignal;
  /** Called if a lock is lost while held (its directory removed or taken over as stale). */
  onCompromised?: (err: Error) => void;
}

/** Takes the locks of an asset's partitions (`[undefined]` for an unpartitioned asset), waiting while one is held. */
export async function acquireAssetLock(
  home: string,
  key: string,
  partitions: readonly (string | undefined)[],
  options: LockOptions = {},
): Promise<AssetLock> {
  const paths = partitions.map((partition) => lockPath(home, key, partition));
  await Promise.all([...new Set(paths.map((p) => dirname(p)))].map((dir) => mkdir(dir, { recursive: true })));
  const requestedAt = Date.now();
  const limit = pLimit(PARALLEL);
  let waited = false;
  let delay = POLL_MS;
  for (;;) {
    options.signal?.throwIfAborted();
    const attempts = await Promise.all(paths.map((path) => limit(() => tryLock(path, options))));
    const held = attempts.filter((release): release is () => Promise<void> => release !== undefined);
    if (held.length === paths.length) {
      return { waited, requestedAt, release: async () => void (await Promise.all(held.map((release) => release().catch(() => {})))) };
    }
    await Promise.all(held.map((release) => release().catch(() => {})));
    waited = true;
    options.onWait?.();
    await sleep(delay, undefined, options.signal ? { signal: options.signal } : {});
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}

/** The lock's release function, or undefined when someone else holds it. */
async function tryLock(path: string, options: LockOptions): Promise<(() => Promise<void>) | undefined> {
  try {
    return await lockfile.lock(path, {
      realpath: false,
      stale: STALE_MS,
      update: REFRESH_MS,
      retries: 0,
      onCompromised: options.onCompromised ?? (() => {}),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
    throw err;
  }
}
