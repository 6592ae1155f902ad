/**
 * `AssayConfig`: everything a process of Assay is configured with, loaded once at start (CLI, worker, tests) and
 * then passed explicitly — never written back to `process.env`. Sources:
 *  - `ASSAY_HOME` (default `./.assay`): lake, metadata, logs, spool;
 *  - `ASSAY_DEFINITIONS` (default `assets/definitions.ts`): the module whose default export is the project;
 *  - `ASSAY_CONFIG` (default `./assay.config.json`): the project's settings document, e.g. its sources;
 *  - Temporal (`TEMPORAL_*`, `temporal.config.ts`) and lineage (`OPENLINEAGE_*`, `lineage/config.ts`);
 *  - the environment itself, which assets read through `ctx.config.env` (e.g. `NIGHTSCOUT_URL`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AssetConfig } from './framework/asset.js';
import { InvalidDocumentError } from './framework/errors.js';
import { loadLineageConfig, type LineageConfig } from './lineage/config.js';
import { loadTemporalConfig, type TemporalConfig } from './temporal.config.js';

export interface AssayConfig extends AssetConfig {
  /** The directory relative paths (suites, settings) resolve against: the working directory. */
  readonly projectRoot: string;
  /** Absolute path of the definitions module. */
  readonly definitionsModule: string;
  readonly temporal: TemporalConfig;
  readonly lineage: LineageConfig;
  /** Where worker and SDK logs go (JSON lines): `${ASSAY_HOME}/logs/assay.log`. */
  readonly logFile: string;
}

export const DEFAULT_DEFINITIONS_MODULE = 'assets/definitions.ts';

type Env = Readonly<Record<string, string | undefined>>;

export function loadAssayConfig(env: Env = process.env, cwd: string = process.cwd()): AssayConfig {
  const home = resolve(cwd, nonEmpty(env.ASSAY_HOME) ?? '.assay');
  const settingsFile = resolve(cwd, nonEmpty(env.ASSAY_CONFIG) ?? 'assay.config.json');
  return {
    home,
    projectRoot: cwd,
    definitionsModule: resolve(cwd, nonEmpty(env.ASSAY_DEFINITIONS) ?? DEFAULT_DEFINITIONS_MODULE),
    env: Object.freeze({ ...env }),
    settings: readSettings(settingsFile, nonEmpty(env.ASSAY_CONFIG) !== undefined),
    settingsFile,
    temporal: loadTemporalConfig(env),
    lineage: loadLineageConfig({ ...env, ASSAY_HOME: home }, cwd),
    logFile: join(home, 'logs', 'assay.log'),
  };
}

/** The same configuration with environment values added (e.g. the URL of a simulator started for a local run). */
export function withEnv(config: AssayConfig, extra: Readonly<Record<string, string>>): AssayConfig {
  return { ...config, env: Object.freeze({ ...config.env, ...extra }) };
}

/** The same configuration with another `ASSAY_HOME` (lineage spool and file transport follow it). */
export function withHome(config: AssayConfig, home: string): AssayConfig {
  const env = { ...config.env, ASSAY_HOME: home };
  return {
    ...config,
    home,
    env: Object.freeze(env),
    lineage: loadLineageConfig(env, config.projectRoot),
    logFile: join(home, 'logs', 'assay.log'),
  };
}

function readSettings(path: string, required: boolean): Readonly<Record<string, unknown>> {
  if (!existsSync(path)) {
    if (required) throw new InvalidDocumentError(`ASSAY_CONFIG is ${path}, but there is no such file`);
    return {};
  }
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InvalidDocumentError(`${path}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InvalidDocumentError(`${path}: expected a JSON object such as {"nightscout": {"sites": [...]}}`);
  }
  return Object.freeze(doc as Record<string, unknown>);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
