/**
 * A lock shared by the processes of one machine: a file created with O_EXCL holding the owner's
 * pid. A lock whose owner has died, or that is older than `staleMs`, is taken over.
 */
import { open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';

export interface LockOptions {
  /** A lock untouched for this long is considered abandoned. */
  staleMs: number;
  /** How long to wait for a busy lock; 0 tries once. */
  waitMs: number;
}

export interface HeldLock {
  /** Marks the lock as still in use (for long holders). */
  touch(): Promise<void>;
  release(): Promise<void>;
}

const host = hostname();

function ownerIsDead(content: string): boolean {
  const [pidText, ownerHost] = content.split(' ');
  const pid = Number(pidText);
  if (ownerHost !== host || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function isAbandoned(path: string, staleMs: number): Promise<boolean> {
  try {
    const [info, content] = await Promise.all([stat(path), readFile(path, 'utf8')]);
    return Date.now() - info.mtimeMs > staleMs || ownerIsDead(content);
  } catch (err) {
    // Gone between our attempt and now: free.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/** Takes the lock at `path`, or returns undefined if it stayed busy for `waitMs`. */
export async function acquireLock(path: string, options: LockOptions): Promise<HeldLock | undefined> {
  const deadline = Date.now() + options.waitMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.write(`${process.pid} ${host} ${new Date().toISOString()}`);
      } finally {
        await handle.close();
      }
      return {
        touch: async () => {
          const now = new Date();
          await utimes(path, now, now).catch(() => undefined);
        },
        release: async () => {
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isAbandoned(path, options.staleMs)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() + delay > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
