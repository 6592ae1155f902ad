/**
 * What a raw wearables asset remembers between runs, under `${ASSAY_HOME}/manifests/wearables/<asset key>/`:
 *
 * ```
 * manifest.json                         the files ingested: checksum, size, rows, when, and their segment
 * segments/<sha256>.v<reader>.parquet   the typed rows of one file content, as the reader version read them
 * ```
 *
 * A segment is named by the SHA-256 of the file it was read from and the reader version (`READER_VERSION`), so a
 * segment is always exactly "this content, read this way": it is written once (to a temporary name, then renamed)
 * and never changed. The manifest maps each current file (by relative path) to its segment. Only the asset that
 * owns the folder writes it, and the engine runs one materialization of an asset at a time (its lock), so there is
 * no other writer to race.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One ingested file. */
export interface IngestedFile {
  /** SHA-256 of the file's bytes (hex). */
  readonly sha256: string;
  readonly bytes: number;
  /** Data rows read (blank lines not counted). */
  readonly rows: number;
  /** When this content was read (ISO 8601, UTC); kept while the file is unchanged. */
  readonly ingestedAt: string;
  /** File name of its segment in `segments/`. */
  readonly segment: string;
}

/** What the last successful run did with each file: read it, skipped it (unchanged), or dropped it (gone). */
export interface IngestRun {
  readonly runId: string;
  readonly at: string;
  readonly dir: string;
  readonly parsed: readonly string[];
  readonly skipped: readonly string[];
  readonly removed: readonly string[];
}

export interface IngestManifest {
  readonly version: 1;
  readonly readerVersion: number;
  /** Relative path (from the drop folder) → what was ingested from it. */
  readonly files: Readonly<Record<string, IngestedFile>>;
  readonly lastRun: IngestRun | null;
}

export interface IngestStore {
  readonly dir: string;
  readonly manifest: string;
  readonly segments: string;
}

/** The folder of one raw asset's manifest and segments. */
export function ingestStore(home: string, assetKey: string): IngestStore {
  const dir = join(home, 'manifests', 'wearables', assetKey);
  return { dir, manifest: join(dir, 'manifest.json'), segments: join(dir, 'segments') };
}

export function segmentName(sha256: string, readerVersion: number): string {
  return `${sha256}.v${readerVersion}.parquet`;
}

/**
 * The manifest, or an empty one when there is none yet. An unreadable one is also taken as empty (every file is
 * then read again, which is always correct, only slower); `problem` says why.
 */
export async function loadManifest(store: IngestStore): Promise<{ manifest: IngestManifest; problem?: string }> {
  const empty: IngestManifest = { version: 1, readerVersion: 0, files: {}, lastRun: null };
  let text: string;
  try {
    text = await readFile(store.manifest, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { manifest: empty };
    return { manifest: empty, problem: `cannot read ${store.manifest}: ${(err as Error).message}` };
  }
  try {
    const parsed = JSON.parse(text) as IngestManifest;
    if (parsed?.version === 1 && typeof parsed.files === 'object' && parsed.files !== null) return { manifest: parsed };
    return { manifest: empty, problem: `${store.manifest} is not a version 1 manifest` };
  } catch (err) {
    return { manifest: empty, problem: `${store.manifest} is not JSON: ${(err as Error).message}` };
  }
}

/** Replaces the manifest in one rename, so a reader sees the old one or the new one. */
export async function saveManifest(store: IngestStore, manifest: IngestManifest): Promise<void> {
  await mkdir(dirname(store.manifest), { recursive: true });
  const tmp = `${store.manifest}.${randomUUID()}.tmp`;
  await writeFile(tmp, JSON.stringify(manifest, null, 2) + '\n');
  await rename(tmp, store.manifest);
}

/**
 * Deletes the segments the manifest no longer names (files changed or gone, an older reader version) and leftovers
 * of interrupted writes. Run after the manifest is saved.
 */
export async function pruneSegments(store: IngestStore, manifest: IngestManifest): Promise<string[]> {
  const kept = new Set(Object.values(manifest.files).map((f) => f.segment));
  let names: string[];
  try {
    names = await readdir(store.segments);
  } catch {
    return [];
  }
  const stale = names.filter((name) => !kept.has(name));
  await Promise.all(stale.map((name) => rm(join(store.segments, name), { force: true })));
  return stale;
}
