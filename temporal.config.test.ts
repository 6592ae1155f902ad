import { describe, expect, it } from 'vitest';
import { loadTemporalConfig } from './temporal.config.js';

describe('Temporal settings from the environment', () => {
  it('defaults to a local dev server and the assay task queue', () => {
    expect(loadTemporalConfig({})).toMatchObject({
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'assay',
      maxParallelAssets: 4,
      tls: undefined,
    });
  });

  it('turns TLS on with an API key and reads the address, namespace and queue', () => {
    const config = loadTemporalConfig({
      TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'prod',
      TEMPORAL_TASK_QUEUE: 'lake',
      TEMPORAL_API_KEY: 'key',
    });
    expect(config).toMatchObject({ address: 'ns.tmprl.cloud:7233', namespace: 'prod', taskQueue: 'lake', apiKey: 'key' });
    expect(config.tls).toBeDefined();
  });

  it('refuses a client certificate without its key', () => {
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_CERT: '/x.pem' })).toThrow(/TEMPORAL_TLS_KEY go together/);
  });

  it('refuses a parallelism that is not a whole number', () => {
    expect(() => loadTemporalConfig({ ASSAY_MAX_PARALLEL: '0' })).toThrow(/ASSAY_MAX_PARALLEL must be a whole number/);
  });
});
