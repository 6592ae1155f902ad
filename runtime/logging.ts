/**
 * Where the worker's and the SDK's logs go. Always to a JSON-lines file under ASSAY_HOME (`logs/assay.log`), so a
 * terminal run shows its progress and result table, not task tokens and stack traces. On stderr too: everything
 * with `--verbose`; INFO and above as JSON lines when stderr is not a terminal (a service, CI: each materialization
 * is a line with its run id, asset, step, status and duration_ms); nothing otherwise (each failure is in the result
 * table, and the file has the details).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DefaultLogger, Runtime, type LogLevel, type LogMetadata, type Logger } from '@temporalio/worker';
import pino from 'pino';

const LEVELS: Record<LogLevel, number> = { TRACE: 10, DEBUG: 20, INFO: 30, WARN: 40, ERROR: 50 };
const PINO_LEVEL: Record<LogLevel, pino.Level> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

export interface LoggingOptions {
  /** The JSON-lines file. */
  file: string;
  /** Lowest level written to the file (`ASSAY_LOG_LEVEL`, default INFO). */
  level?: LogLevel;
  /** Everything on stderr as well. */
  verbose?: boolean;
  /** Whether stderr is a terminal (default: asks it). */
  stderrIsTTY?: boolean;
}

/** A Temporal SDK logger writing JSON lines to the file and, depending on the options, to stderr. */
export function createLogger(options: LoggingOptions): Logger {
  mkdirSync(dirname(options.file), { recursive: true });
  const level = options.level ?? 'INFO';
  const toFile = pino({ level: PINO_LEVEL[level], base: { pid: process.pid } }, pino.destination({ dest: options.file, sync: true }));
  const tty = options.stderrIsTTY ?? process.stderr.isTTY;
  const stderrLevel: LogLevel | undefined = options.verbose ? level : tty ? undefined : 'INFO';
  const toStderr = stderrLevel ? pino({ level: PINO_LEVEL[stderrLevel], base: { pid: process.pid } }, pino.destination(2)) : undefined;
  const log = (lvl: LogLevel, message: string, meta?: LogMetadata) => {
    const fields = plain(meta);
    if (LEVELS[lvl] >= LEVELS[level]) toFile[PINO_LEVEL[lvl]](fields, message);
    toStderr?.[PINO_LEVEL[lvl]](fields, message);
  };
  return new DefaultLogger(level, ({ level: lvl, message, meta }) => log(lvl, message, meta));
}

/** Installs the logger for every worker and connection of this process (once, before any of them is created). */
export function installLogging(options: LoggingOptions): Logger {
  const logger = createLogger(options);
  Runtime.install({ logger });
  return logger;
}

/** Errors as `{message, type, stack}`; everything else as is. */
function plain(meta: LogMetadata | undefined): Record<string, unknown> {
  if (!meta) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) {
    out[key] = value instanceof Error ? { message: value.message, type: value.name, stack: value.stack } : value;
  }
  return out;
}
