import { readFileSync } from 'node:fs';
import { InvalidDocumentError } from './framework/errors.js';

/** How Assay reaches Temporal. Every field comes from the environment, with defaults for a local dev server. */
export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Graph runs start at most this many asset workflows at once. */
  maxParallelAssets: number;
  tls?: { serverName?: string; clientCertPath?: string; clientKeyPath?: string; serverRootCACertPath?: string };
  apiKey?: string;
}

export function loadTemporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  const tlsWanted =
    env.TEMPORAL_TLS === 'true' || Boolean(env.TEMPORAL_TLS_CERT) || Boolean(env.TEMPORAL_API_KEY);
  const maxParallel = Number(env.ASSAY_MAX_PARALLEL ?? '4');
  if (!Number.isInteger(maxParallel) || maxParallel < 1) {
    throw new InvalidDocumentError(`ASSAY_MAX_PARALLEL must be a whole number ≥ 1, got '${env.ASSAY_MAX_PARALLEL}'`);
  }
  if (Boolean(env.TEMPORAL_TLS_CERT) !== Boolean(env.TEMPORAL_TLS_KEY)) {
    throw new InvalidDocumentError(
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (a client certificate and its key); set both or neither',
    );
  }
  return {
    address: env.TEMPORAL_ADDRESS ?? 'localhost:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'assay',
    maxParallelAssets: maxParallel,
    tls: tlsWanted
      ? {
          serverName: env.TEMPORAL_TLS_SERVER_NAME,
          clientCertPath: env.TEMPORAL_TLS_CERT,
          clientKeyPath: env.TEMPORAL_TLS_KEY,
          serverRootCACertPath: env.TEMPORAL_TLS_CA,
        }
      : undefined,
    apiKey: env.TEMPORAL_API_KEY,
  };
}

/** Connection options shared by the client (`Connection.connect`) and the worker (`NativeConnection.connect`). */
export function connectionOptions(config: TemporalConfig) {
  const read = (path?: string) => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new InvalidDocumentError(`cannot read TLS file ${path}: ${(err as Error).message}`, { cause: err });
    }
  };
  const cert = read(config.tls?.clientCertPath);
  const key = read(config.tls?.clientKeyPath);
  return {
    address: config.address,
    apiKey: config.apiKey,
    tls: config.tls
      ? {
          serverNameOverride: config.tls.serverName,
          serverRootCACertificate: read(config.tls.serverRootCACertPath),
          clientCertPair: cert && key ? { crt: cert, key } : undefined,
        }
      : undefined,
  };
}
