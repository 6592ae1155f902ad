import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LineageConfig } from './config.js';
import { loadLineageConfig } from './config.js';
import { createLineageEmitter, createTransport } from './create.js';
import { Spool } from './spool.js';
import type { LineageServer } from './test-support/lineage-server.js';
import { startLineageServer } from './test-support/lineage-server.js';
import { numberOf, numbered } from './test-support/sample-events.js';
import { CompositeTransport } from './transports/composite.js';
import { ConsoleTransport } from './transports/console.js';
import { FileTransport } from './transports/file.js';
import { HttpTransport } from './transports/http.js';
import { NoopTransport } from './transports/noop.js';

let server: LineageServer;
let dir: string;
beforeEach(async () => {
  server = await startLineageServer();
  dir = await mkdtemp(join(tmpdir(), 'assay-lineage-create-'));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('createTransport', () => {
  it('builds the transport each config type names', () => {
    expect(createTransport({ type: 'http', url: 'http://m:5000' })).toBeInstanceOf(HttpTransport);
    expect(createTransport({ type: 'file', path: join(dir, 'e.jsonl') })).toBeInstanceOf(FileTransport);
    expect(createTransport({ type: 'console' })).toBeInstanceOf(ConsoleTransport);
    expect(createTransport({ type: 'noop' })).toBeInstanceOf(NoopTransport);
    const composite = createTransport({
      type: 'composite',
      continueOnFailure: true,
      continueOnSuccess: true,
      transports: [{ type: 'console', name: 'stdout' }, { type: 'noop' }],
    });
    expect(composite).toBeInstanceOf(CompositeTransport);
    expect((composite as CompositeTransport).members.map((m) => m.name)).toEqual(['stdout', 'noop-1']);
  });

  it('takes a whole LineageConfig too', () => {
    expect(createTransport(loadLineageConfig({ OPENLINEAGE_DISABLED: 'true' }, dir))).toBeInstanceOf(NoopTransport);
  });
});

describe('createLineageEmitter', () => {
  it('writes to the default JSON lines file when nothing is configured', async () => {
    const config = loadLineageConfig({ ASSAY_HOME: dir }, dir);
    const lineage = createLineageEmitter(config);
    expect(await lineage.send(numbered(1))).toBe('sent');
    await lineage.close();
    const lines = (await readFile(join(dir, 'lineage', 'events.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => numberOf(JSON.parse(l)))).toEqual([1]);
  });

  it('sends nothing when disabled', async () => {
    const lineage = createLineageEmitter(loadLineageConfig({ OPENLINEAGE_DISABLED: 'true', OPENLINEAGE_URL: server.url }, dir));
    await lineage.emit(numbered(1));
    expect(server.requests).toHaveLength(0);
  });

  it('gives each http member of a composite its own spool, so the other members still get every event', async () => {
    let down = true;
    server.reply = () => (down ? 503 : 201);
    const config: LineageConfig = {
      disabled: false,
      namespace: 'assay',
      source: 'openlineage.yml',
      assayHome: dir,
      spoolDir: join(dir, 'spool'),
      transport: {
        type: 'composite',
        continueOnFailure: true,
        continueOnSuccess: true,
        transports: [
          { type: 'http', name: 'marquez', url: server.url, retries: 0 },
          { type: 'file', name: 'audit', path: join(dir, 'audit.jsonl') },
        ],
      },
    };
    const lineage = createLineageEmitter(config, { flushBackoffMs: 0, onError: () => undefined });
    await lineage.emit(numbered(1));
    await lineage.emit(numbered(2));
    const spool = new Spool(join(dir, 'spool', 'marquez'));
    expect((await spool.read()).map((e) => numberOf(e.event))).toEqual([1, 2]);
    expect((await readFile(join(dir, 'audit.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);

    down = false;
    await lineage.flushSpool();
    expect(server.requests.filter((r) => r.reply === 201).map((r) => numberOf(r.json))).toEqual([1, 2]);
    expect(await spool.isEmpty()).toBe(true);
    await lineage.close();
  });
});
