/**
 * The wearables drop folder (`ASSAY_WEARABLES_DIR`) and the export files in it. The folder is searched with its
 * subfolders (Fitabase ships one folder per export period, each with its own `dailyActivity_merged.csv`); hidden
 * files and folders (`.…`) are left out. A file is identified by its path relative to the folder, with '/'.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidDataError, type AssetConfig } from '../../framework/index.js';
import { isExportFile, type FitbitExport } from '../../sources/wearables/fitbit-exports.js';

export const WEARABLES_DIR_ENV = 'ASSAY_WEARABLES_DIR';

/** The drop folder of the configuration (`ASSAY_WEARABLES_DIR`), absolute. */
export function wearablesDir(config: AssetConfig): string {
  const dir = config.env[WEARABLES_DIR_ENV];
  if (!dir) {
    throw new InvalidDataError(
      `${WEARABLES_DIR_ENV} is not set: point it at a folder of Fitbit CSV exports (dailyActivity_merged.csv, ` +
        'sleepDay_merged.csv, hourlySteps_merged.csv); npm start uses generated samples',
    );
  }
  return resolve(dir);
}

export interface ExportFile {
  /** Path relative to the drop folder, '/'-separated: the file's identity in the manifest and the raw asset. */
  readonly relativePath: string;
  readonly path: string;
}

/** The files of one export kind in the folder and its subfolders, sorted by relative path. */
export async function findExportFiles(dir: string, spec: FitbitExport): Promise<ExportFile[]> {
  const found: ExportFile[] = [];
  const walk = async (folder: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (err) {
      throw new InvalidDataError(`${WEARABLES_DIR_ENV} ${dir}: cannot list ${folder}: ${(err as Error).message}`, { cause: err });
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      const relativePath = prefix + entry.name;
      if (entry.isDirectory()) {
        await walk(path, `${relativePath}/`);
      } else if (isExportFile(spec, entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await stat(path)).isFile()))) {
        found.push({ relativePath, path });
      }
    }
  };
  await walk(dir, '');
  return found.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}
