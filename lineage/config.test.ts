import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../framework/errors.js';
import { loadLineageConfig } from './config.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'assay-lineage-config-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const marquez = 'transport:\n  type: http\n  url: http://marquez:5000\n';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidDocumentError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('loadLineageConfig', () => {
  it('defaults to JSON lines in ./.assay/lineage/events.jsonl, namespace assay', () => {
    const config = loadLineageConfig({}, cwd);
    expect(config).toEqual({
      disabled: false,
      namespace: 'assay',
      transport: { type: 'file', path: join(cwd, '.assay', 'lineage', 'events.jsonl'), append: true },
      source: 'default',
      assayHome: join(cwd, '.assay'),
      spoolDir: join(cwd, '.assay', 'lineage', 'spool'),
    });
  });

  it('puts the default file and the spool under ASSAY_HOME', () => {
    const config = loadLineageConfig({ ASSAY_HOME: 'home' }, cwd);
    expect(config.transport).toMatchObject({ type: 'file', path: join(cwd, 'home', 'lineage', 'events.jsonl') });
    expect(config.spoolDir).toBe(join(cwd, 'home', 'lineage', 'spool'));
  });

  it('uses OPENLINEAGE_URL, OPENLINEAGE_ENDPOINT, OPENLINEAGE_API_KEY and OPENLINEAGE_NAMESPACE', () => {
    const config = loadLineageConfig(
      {
        OPENLINEAGE_URL: 'http://marquez:5000',
        OPENLINEAGE_ENDPOINT: 'api/v2/lineage',
        OPENLINEAGE_API_KEY: 'k',
        OPENLINEAGE_NAMESPACE: 'glucose',
      },
      cwd,
    );
    expect(config.source).toBe('OPENLINEAGE_URL');
    expect(config.namespace).toBe('glucose');
    expect(config.transport).toEqual({ type: 'http', url: 'http://marquez:5000', endpoint: 'api/v2/lineage', apiKey: 'k' });
  });

  it('prefers ./openlineage.yml to OPENLINEAGE_URL', async () => {
    await writeFile(join(cwd, 'openlineage.yml'), 'transport:\n  type: console\n');
    const config = loadLineageConfig({ OPENLINEAGE_URL: 'http://other:5000' }, cwd);
    expect(config.source).toBe('openlineage.yml');
    expect(config.configFile).toBe(join(cwd, 'openlineage.yml'));
    expect(config.transport).toEqual({ type: 'console' });
  });

  it('prefers the OPENLINEAGE_CONFIG file to ./openlineage.yml', async () => {
    await writeFile(join(cwd, 'openlineage.yml'), 'transport:\n  type: console\n');
    await mkdir(join(cwd, 'conf'));
    await writeFile(join(cwd, 'conf', 'ol.yml'), marquez);
    const config = loadLineageConfig({ OPENLINEAGE_CONFIG: 'conf/ol.yml' }, cwd);
    expect(config.source).toBe('OPENLINEAGE_CONFIG');
    expect(config.transport).toMatchObject({ type: 'http', url: 'http://marquez:5000', endpoint: '/api/v1/lineage' });
  });

  it('lets OPENLINEAGE_DISABLED win over everything', async () => {
    await writeFile(join(cwd, 'openlineage.yml'), marquez);
    for (const value of ['true', 'True', '1']) {
      const config = loadLineageConfig({ OPENLINEAGE_DISABLED: value, OPENLINEAGE_CONFIG: 'missing.yml', OPENLINEAGE_URL: 'http://x' }, cwd);
      expect(config).toMatchObject({ disabled: true, source: 'OPENLINEAGE_DISABLED', transport: { type: 'noop' } });
    }
    expect(loadLineageConfig({ OPENLINEAGE_DISABLED: 'false' }, cwd).source).toBe('openlineage.yml');
  });

  it('reads the Python client http settings: auth, custom headers, timeout in seconds, retry', async () => {
    await writeFile(
      join(cwd, 'openlineage.yml'),
      [
        'transport:',
        '  type: http',
        '  url: https://marquez.example.com',
        '  endpoint: api/v1/lineage',
        '  timeout: 2.5',
        '  verify: true',
        '  compression: gzip',
        '  auth:',
        '    type: api_key',
        '    apiKey: f048521b',
        '  custom_headers:',
        '    X-Tenant: glucose',
        '  retry:',
        '    total: 3',
        '    backoff_factor: 0.5',
        '    status_forcelist: [500, 503]',
        'facets:',
        '  disabled: [spark_unknown]',
      ].join('\n'),
    );
    expect(loadLineageConfig({}, cwd).transport).toEqual({
      type: 'http',
      url: 'https://marquez.example.com',
      endpoint: 'api/v1/lineage',
      timeoutMs: 2500,
      compression: 'gzip',
      apiKey: 'f048521b',
      headers: { 'X-Tenant': 'glucose' },
      retries: 3,
      backoffMs: 500,
      retryStatuses: [500, 503],
    });
  });

  it('reads composite transports as a list or as named members, and file paths from the working directory', async () => {
    await writeFile(
      join(cwd, 'openlineage.yml'),
      [
        'transport:',
        '  type: composite',
        '  continue_on_failure: false',
        '  transports:',
        '    marquez:',
        '      type: http',
        '      url: http://marquez:5000',
        '      auth: { type: api_key, api_key: k }',
        '    audit:',
        '      type: file',
        '      log_file_path: logs/ol.jsonl',
      ].join('\n'),
    );
    expect(loadLineageConfig({}, cwd).transport).toEqual({
      type: 'composite',
      continueOnFailure: false,
      continueOnSuccess: true,
      transports: [
        { type: 'http', name: 'marquez', url: 'http://marquez:5000', endpoint: '/api/v1/lineage', apiKey: 'k' },
        { type: 'file', name: 'audit', path: join(cwd, 'logs', 'ol.jsonl'), append: true },
      ],
    });
  });

  it('names the file, the line and the JSON pointer of an invalid setting', async () => {
    await writeFile(join(cwd, 'openlineage.yml'), 'transport:\n  type: kafka\n');
    expect(errorOf(() => loadLineageConfig({}, cwd))).toBe(
      `${join(cwd, 'openlineage.yml')}:2: /transport/type: must be one of "http", "file", "console", "composite", "noop"`,
    );
    await writeFile(join(cwd, 'openlineage.yml'), 'transport:\n  type: http\n  uri: http://marquez:5000\n');
    expect(errorOf(() => loadLineageConfig({}, cwd))).toBe(`${join(cwd, 'openlineage.yml')}:3: /transport/uri: is not allowed here`);
    await writeFile(join(cwd, 'openlineage.yml'), 'transport:\n  type: composite\n  transports:\n    - type: http\n      url: 5000\n');
    expect(errorOf(() => loadLineageConfig({}, cwd))).toBe(`${join(cwd, 'openlineage.yml')}:5: /transport/transports/0/url: must be string`);
  });

  it('refuses settings Assay cannot honour, like verify: false', async () => {
    await writeFile(join(cwd, 'openlineage.yml'), `${marquez}  verify: false\n`);
    expect(errorOf(() => loadLineageConfig({}, cwd))).toContain('/transport/verify: must be true');
  });

  it('reports YAML syntax errors with file, line and column', async () => {
    await writeFile(join(cwd, 'openlineage.yml'), 'transport:\n  type: http\n   url: [\n');
    expect(errorOf(() => loadLineageConfig({}, cwd))).toMatch(new RegExp(`^${join(cwd, 'openlineage.yml')}:\\d+:\\d+: not valid YAML`));
  });

  it('fails when OPENLINEAGE_CONFIG names a missing file, or the file has no transport', async () => {
    expect(errorOf(() => loadLineageConfig({ OPENLINEAGE_CONFIG: 'nope.yml' }, cwd))).toContain('does not exist');
    await writeFile(join(cwd, 'openlineage.yml'), 'facets: {}\n');
    expect(errorOf(() => loadLineageConfig({}, cwd))).toContain('/transport: is required');
  });

  it('refuses an OPENLINEAGE_URL that is not http(s)', () => {
    expect(errorOf(() => loadLineageConfig({ OPENLINEAGE_URL: 'marquez:5000' }, cwd))).toContain('OPENLINEAGE_URL');
  });
});
