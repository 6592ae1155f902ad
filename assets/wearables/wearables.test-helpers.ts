/** What the wearables tests share: a fresh home and drop folder, the real-export excerpt, running the group. */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineDefinitions, type AssetDefinition } from '../../framework/index.js';
import { materializeLocally, readAsset } from '../../engine/testing.js';
import type { MaterializationRecord } from '../../engine/publish.js';
import { wearablesAssets } from './assets.js';
import { ingestStore, type IngestManifest } from './manifest.js';

export type Row = Record<string, unknown>;

export const definitions = defineDefinitions({ assets: wearablesAssets });

/** The real Fitbit excerpt of `test/fixtures/wearables/` (three users; see its README). */
export const FIXTURES = fileURLToPath(new URL('../../test/fixtures/wearables/', import.meta.url));
export const EXPORT_FILES = ['dailyActivity_merged.csv', 'sleepDay_merged.csv', 'hourlySteps_merged.csv'] as const;

/** A number from a row value (DuckDB's BIGINTs come back as strings); null stays null. */
export const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export interface Workspace {
  readonly root: string;
  readonly home: string;
  /** The drop folder (ASSAY_WEARABLES_DIR). */
  readonly dir: string;
  /** Runs a selection of the wearables group on the drop folder. */
  materialize(selection?: string): Promise<MaterializationRecord[]>;
  rows(asset: AssetDefinition): Promise<Row[]>;
  manifest(asset: AssetDefinition): Promise<IngestManifest>;
  /** Writes a file into the drop folder (creating subfolders). */
  write(relativePath: string, content: string | Buffer): Promise<string>;
  remove(): Promise<void>;
}

export async function workspace(prefix: string): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), `assay-wearables-${prefix}-`));
  const home = join(root, 'home');
  const dir = join(root, 'drop');
  await mkdir(dir, { recursive: true });
  return {
    root,
    home,
    dir,
    materialize: (selection = 'group:wearables') =>
      materializeLocally({ definitions, home, selection, env: { ASSAY_WEARABLES_DIR: dir } }),
    rows: (asset) => readAsset(home, asset),
    manifest: async (asset) => JSON.parse(await readFile(ingestStore(home, asset.key).manifest, 'utf8')) as IngestManifest,
    write: async (relativePath, content) => {
      const path = join(dir, relativePath);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
      return path;
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** Copies the real excerpt into the drop folder. */
export async function copyFixtures(ws: Workspace, files: readonly string[] = EXPORT_FILES): Promise<void> {
  for (const file of files) await copyFile(join(FIXTURES, file), join(ws.dir, file));
}

export const readFixture = (file: string) => readFile(join(FIXTURES, file), 'utf8');

/** A CSV text with CRLF line ends, as Fitbit writes it. */
export const crlf = (lines: readonly string[]) => lines.map((l) => `${l}\r\n`).join('');

/** The rows of an asset without the columns that say where and when they were ingested. */
export function withoutLineage(rows: readonly Row[]): Row[] {
  return rows.map(({ source_file: _f, source_line: _l, source_sha256: _s, ingested_at: _i, ...rest }) => rest);
}
