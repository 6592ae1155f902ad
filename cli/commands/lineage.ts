import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { declaredSources, publishedSchemas, staticLineageEvents } from '../../lineage/static-graph.js';
import type { AssayConfig } from '../../assay.config.js';
import { loadDefinitions } from '../../engine/load-definitions.js';
import {
  createLineageEmitter,
  lineageUrl,
  Spool,
  type EmitOutcome,
  type TransportConfig,
} from '../../lineage/index.js';

/**
 * `assay lineage publish`: sends the static graph (the graph job, then one job per asset with its facets and its
 * input and output datasets, with columns from the latest published Parquet) without running anything.
 * Exit 0 when every event was delivered.
 */
export function lineagePublishCommand(assay: AssayConfig): Promise<number> {
  return keepingAlive(() => publish(assay));
}

async function publish(assay: AssayConfig): Promise<number> {
  const home = assay.home;
  const definitions = await loadDefinitions(assay.definitionsModule);
  const config = assay.lineage;
  const context = { definitions, home, namespace: config.namespace };
  const events = staticLineageEvents(context, await publishedSchemas(context), new Date(), await declaredSources(context, assay));
  const say = reporter(config.transport);
  if (config.disabled) {
    say(`lineage publish: lineage is disabled (OPENLINEAGE_DISABLED); ${events.length} job event(s) not sent`);
    return 1;
  }
  const emitter = createLineageEmitter(config, { validate: true });
  const outcomes = new Map<EmitOutcome, number>();
  for (const event of events) {
    const outcome = await emitter.send(event);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  await emitter.close();
  const sent = outcomes.get('sent') ?? 0;
  const others = [...outcomes].filter(([outcome]) => outcome !== 'sent').map(([outcome, n]) => `${n} ${outcome}`);
  say(
    `lineage publish: sent ${sent} of ${events.length} job event(s) (graph '${definitions.name}' and ` +
      `${definitions.assets.length} asset(s)) to ${describeTransport(config.transport)}` +
      (others.length ? `; ${others.join(', ')}` : ''),
  );
  if (outcomes.has('spooled') || outcomes.has('queued')) {
    say(`  undelivered events wait in ${config.spoolDir}; re-send them with \`assay lineage flush\``);
  }
  if (outcomes.has('rejected')) say(`  refused events are in ${join(config.spoolDir, '**', 'rejected.jsonl')}`);
  return sent === events.length ? 0 : 1;
}

/**
 * `assay lineage flush`: re-sends the spooled events, oldest first, with the configured transport.
 * Exit 0 when the spool is empty afterwards.
 */
export function lineageFlushCommand(assay: AssayConfig): Promise<number> {
  return keepingAlive(() => flush(assay));
}

async function flush(assay: AssayConfig): Promise<number> {
  const config = assay.lineage;
  const say = reporter(config.transport);
  const before = await spoolCounts(config.spoolDir);
  if (before.waiting === 0) {
    say(`lineage flush: nothing to send (spool ${config.spoolDir} is empty)`);
    return 0;
  }
  if (config.disabled) {
    say(`lineage flush: lineage is disabled (OPENLINEAGE_DISABLED); ${before.waiting} event(s) stay in ${config.spoolDir}`);
    return 1;
  }
  const emitter = createLineageEmitter(config);
  const result = await emitter.flushSpool();
  await emitter.close();
  // Counted on disk: a composite's http members each have a spool of their own.
  const after = await spoolCounts(config.spoolDir);
  const rejected = Math.max(0, after.rejected - before.rejected);
  const sent = Math.max(0, before.waiting - after.waiting - rejected);
  say(
    `lineage flush: sent ${sent}, rejected ${rejected}, remaining ${after.waiting} ` +
      `(to ${describeTransport(config.transport)})`,
  );
  if (rejected > 0) say(`  refused events are in ${join(config.spoolDir, '**', 'rejected.jsonl')}`);
  if (after.waiting > 0) {
    say(
      result.busy
        ? '  another process is flushing the spool; try again when it is done'
        : `  ${after.waiting} event(s) still wait in ${config.spoolDir}: is the lineage backend reachable?`,
    );
    return 1;
  }
  return 0;
}

/**
 * Runs `work` with the process held open. The lineage client's timers (HTTP back-off, emit budgets) are unref'd so
 * that they never keep a worker alive; in a CLI with nothing else to wait for, Node would otherwise exit, with
 * code 0, in the middle of a back-off, before the events are sent or spooled.
 */
async function keepingAlive<T>(work: () => Promise<T>): Promise<T> {
  const handle = setInterval(() => {}, 1 << 30);
  try {
    return await work();
  } finally {
    clearInterval(handle);
  }
}

/** Events waiting and events refused, in the spool and in the spools of composite members (one level below). */
async function spoolCounts(dir: string): Promise<{ waiting: number; rejected: number }> {
  const dirs = [dir];
  try {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) dirs.push(join(dir, entry.name));
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  let waiting = 0;
  let rejected = 0;
  for (const d of dirs) {
    const spool = new Spool(d);
    waiting += await spool.size();
    rejected += await lineCount(spool.rejectedFile);
  }
  return { waiting, rejected };
}

/** Complete lines of a JSON-lines file (0 when it does not exist). */
async function lineCount(file: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  return text.split('\n').slice(0, -1).filter((line) => line.trim() !== '').length;
}

function describeTransport(t: TransportConfig): string {
  switch (t.type) {
    case 'http':
      return lineageUrl(t.url, t.endpoint);
    case 'file':
      return t.path;
    case 'console':
      return 'stdout';
    case 'noop':
      return 'nowhere (noop transport)';
    case 'composite':
      return t.transports.map(describeTransport).join(' + ');
  }
}

/** Prints to stdout, or to stderr when events themselves go to stdout (console transport). */
function reporter(t: TransportConfig): (line: string) => void {
  return writesToStdout(t) ? (line) => console.error(line) : (line) => console.log(line);
}

function writesToStdout(t: TransportConfig): boolean {
  return t.type === 'console' || (t.type === 'composite' && t.transports.some(writesToStdout));
}
