/**
 * The PSG folder (`ASSAY_PSG_DIR`): which EDF/BDF files are recordings, which are hypnograms, how they pair, and
 * the checksum manifest that lets `raw_psg_recordings` skip files it has already read.
 *
 * Pairing follows Sleep-EDF naming: `SC4001E0-PSG.edf` is subject `SC400`, night 1, recording `SC4001`; its
 * hypnogram is the file whose name contains `Hypnogram` and starts with the same six characters
 * (`SC4001EC-Hypnogram.edf`). Other names pair `<stem>-PSG.edf` with `<stem>-Hypnogram.edf`. A recording
 * without a hypnogram file is read for embedded EDF+ annotations (its own path is the hypnogram path).
 */
import { InvalidDataError, type AssetConfig } from '../../framework/index.js';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export const PSG_DIR_ENV = 'ASSAY_PSG_DIR';

/** The PSG folder of the configuration (`ASSAY_PSG_DIR`). */
export function psgDir(config: AssetConfig): string {
  const dir = config.env[PSG_DIR_ENV];
  if (!dir) {
    throw new InvalidDataError(
      `${PSG_DIR_ENV} is not set: point it at a folder of EDF/BDF recordings and hypnograms (npm start uses samples)`,
    );
  }
  return resolve(dir);
}

export interface RecordingFiles {
  readonly recordingId: string;
  readonly subjectId: string;
  readonly night: number;
  readonly psgPath: string;
  /** The separate hypnogram file, or the recording itself (embedded annotations). */
  readonly hypnogramPath: string;
}

const SLEEP_EDF = /^([A-Z]{2}\d{3})(\d)/i;
const isEdf = (name: string) => /\.(edf|bdf|rec)$/i.test(name);
const isHypnogram = (name: string) => /hypnogram/i.test(name);
const stemOf = (name: string) => name.replace(/\.(edf|bdf|rec)$/i, '').replace(/[-_ ]?(psg|hypnogram)$/i, '');

/** The recordings in a folder (not recursive), sorted by recording id. */
export async function findRecordings(dir: string): Promise<RecordingFiles[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (err) {
    throw new InvalidDataError(`${PSG_DIR_ENV} ${dir}: cannot list the folder: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const edf = names.filter(isEdf).sort();
  const hypnograms = edf.filter(isHypnogram);
  const recordings = edf.filter((n) => !isHypnogram(n));
  const found = recordings.map((name): RecordingFiles => {
    const sleepEdf = SLEEP_EDF.exec(name);
    const hypnogram = sleepEdf
      ? hypnograms.find((h) => h.slice(0, 6).toUpperCase() === name.slice(0, 6).toUpperCase())
      : hypnograms.find((h) => stemOf(h) === stemOf(name));
    return {
      recordingId: sleepEdf ? name.slice(0, 6) : stemOf(name),
      subjectId: sleepEdf ? sleepEdf[1]! : stemOf(name),
      night: sleepEdf ? Number(sleepEdf[2]) : 1,
      psgPath: join(dir, name),
      hypnogramPath: join(dir, hypnogram ?? name),
    };
  });
  const ids = new Map<string, string>();
  for (const r of found) {
    const other = ids.get(r.recordingId);
    if (other) {
      throw new InvalidDataError(`${dir}: recordings ${other} and ${basename(r.psgPath)} both map to ${r.recordingId}`);
    }
    ids.set(r.recordingId, basename(r.psgPath));
  }
  return found.sort((a, b) => a.recordingId.localeCompare(b.recordingId));
}

/** What the manifest keeps of a file: checksum facts plus whatever the reader learnt from it. */
export interface ManifestEntry<T = unknown> {
  readonly sha256: string;
  readonly bytes: number;
  readonly mtimeMs: number;
  readonly info: T;
}

export interface Manifest<T = unknown> {
  readonly version: 1;
  readonly files: Record<string, ManifestEntry<T>>;
}

export function manifestPath(config: Pick<AssetConfig, 'home'>): string {
  return join(config.home, 'manifests', 'psg.json');
}

export async function loadManifest<T>(path: string): Promise<Manifest<T>> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Manifest<T>;
    if (parsed && parsed.version === 1 && typeof parsed.files === 'object') return parsed;
  } catch {
    // No manifest yet, or an unreadable one: every file is read again.
  }
  return { version: 1, files: {} };
}

export async function saveManifest<T>(path: string, manifest: Manifest<T>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomUUID()}.tmp`;
  await writeFile(tmp, JSON.stringify(manifest, null, 2) + '\n');
  await rename(tmp, path);
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The manifest entry of a file: reused as is when size and mtime are unchanged (the file is not opened), else
 * the file is hashed and `read` is called for its info.
 */
export async function manifestEntry<T>(
  previous: Manifest<T>,
  path: string,
  read: (path: string) => Promise<T>,
): Promise<{ entry: ManifestEntry<T>; reused: boolean }> {
  const { size, mtimeMs } = await stat(path);
  const known = previous.files[path];
  if (known && known.bytes === size && known.mtimeMs === mtimeMs) return { entry: known, reused: true };
  const info = await read(path);
  return { entry: { sha256: await sha256Of(path), bytes: size, mtimeMs, info }, reused: false };
}
