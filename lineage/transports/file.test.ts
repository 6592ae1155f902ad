import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { numberOf, numbered } from '../test-support/sample-events.js';
import { FileTransport } from './file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assay-lineage-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileTransport', () => {
  it('appends one event per line, creating the folder, in emit order', async () => {
    const path = join(dir, 'lineage', 'events.jsonl');
    const transport = new FileTransport({ path });
    await Promise.all([1, 2, 3, 4, 5].map((n) => transport.emit(numbered(n))));
    await transport.emit(numbered(6));
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => numberOf(JSON.parse(l)))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps earlier events when a new transport appends to the same file', async () => {
    const path = join(dir, 'events.jsonl');
    await new FileTransport({ path }).emit(numbered(1));
    await new FileTransport({ path }).emit(numbered(2));
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('writes one file per event with append: false, like the Python client', async () => {
    const transport = new FileTransport({ path: join(dir, 'ol'), append: false });
    await transport.emit(numbered(1));
    await transport.emit(numbered(2));
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^ol-\d{8}-\d{6}\.\d{3}-000000\.json$/);
  });

  it('fails with a retryable error when the file cannot be written', async () => {
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, '');
    const transport = new FileTransport({ path: join(blocker, 'events.jsonl') });
    await expect(transport.emit(numbered(1))).rejects.toMatchObject({ retryable: true });
  });
});
