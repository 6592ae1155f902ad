/**
 * One materialization of an asset partition at a time, across runs, workers and hosts that share ASSAY_HOME:
 * a lock directory per (asset, partition) under `locks/`, created atomically (`mkdir`, which also holds on NFS)
 * by proper-lockfile, whose holder refreshes its modification time every 2 s. A holder that died (kill -9, a
 * lost host) stops refreshing it, and after 10 s the lock is stale and the next materialization takes it.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { lockPath } from './lake.js';

const STALE_MS = 10_000;
const REFRESH_MS = 2_000;
const POLL_MS = 50;
const MAX_POLL_MS = 500;

export interface AssetLock {
  /** True when another materialization held the lock and this one waited for it. */
  readonly waited: boolean;
  /** When this one started waiting (epoch ms). */
  readonly requestedAt: number;
  release(): Promise<void>;
}

export interface LockOptions {
  /** Called while waiting (e.g. to heartbeat), at most every 500 ms. */
  onWait?: () => void;
  signal?: AbortSignal;
  /** Called if the lock is lost while held (its directory removed or taken over as stale). */
  onCompromised?: (err: Error) => void;
}

/** Takes the lock of an asset partition, waiting while another materialization holds it. */
export async function acquireAssetLock(
  home: string,
  key: string,
  partition: string | undefined,
  options: LockOptions = {},
): Promise<AssetLock> {
  const path = lockPath(home, key, partition);
  await mkdir(dirname(path), { recursive: true });
  const requestedAt = Date.now();
  let waited = false;
  let delay = POLL_MS;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const release = await lockfile.lock(path, {
        realpath: false,
        stale: STALE_MS,
        update: REFRESH_MS,
        retries: 0,
        onCompromised: options.onCompromised ?? (() => {}),
      });
      return { waited, requestedAt, release: () => release().catch(() => {}) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    }
    waited = true;
    options.onWait?.();
    await sleep(delay, undefined, options.signal ? { signal: options.signal } : {});
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}
