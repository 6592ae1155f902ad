/**
 * A stand-in for Marquez 0.51.1 in contract tests: a local `node:http` server that enforces only what
 * `/work/shared/MARQUEZ.md` records of a real Marquez, each rule citing the line it comes from
 * (`MARQUEZ.md:<line>`), and nothing else (Marquez is no validator: spec-invalid events it accepts are
 * accepted here too; tests validate events themselves). Knobs: a reply delay, a pause, and being down
 * (connection refused, or 503). It keeps what Marquez would show: each run's state and the order of its
 * events, and each dataset's versions.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Marquez's run states. */
export type RunState = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'ABORTED';

export interface ReceivedRun {
  runId: string;
  job: { namespace: string; name: string };
  /** Decided by the last event received (MARQUEZ.md:26). */
  state: RunState;
  /** `eventType` of every event written for the run, in the order received. */
  events: string[];
  /** The `eventTime` of those events, in the same order. */
  eventTimes: string[];
}

export interface DatasetVersion {
  namespace: string;
  name: string;
  /** The run whose event made this version (undefined for a job event). */
  runId: string | undefined;
  eventType: string | undefined;
  /** The dataset facets of that output, without `columnLineage` when there was no `schema` (MARQUEZ.md:43). */
  facets: Record<string, unknown>;
  /** Whether a `columnLineage` facet was sent but dropped for want of a `schema` facet (MARQUEZ.md:43-44). */
  droppedColumnLineage: boolean;
}

export interface ReceivedRequest {
  status: number;
  body: string;
  /** The parsed body, when it was JSON. */
  json: unknown;
}

export interface MarquezReceiver {
  readonly url: string;
  /** Every request answered (or about to be), in arrival order. */
  readonly requests: readonly ReceivedRequest[];
  /** Events written, in write order. */
  readonly written: readonly Record<string, unknown>[];
  /** Time between receiving a valid event and writing it (then answering 201). Default 0. */
  delayMs: number;
  /** When set, the delay of each valid event instead of `delayMs` (`copy`: how many times this event came before). */
  delayOf: ((event: Record<string, unknown>, copy: number) => number) | undefined;
  /** Holds every valid event before its write until `resume()`. */
  pause(): void;
  resume(): void;
  /** `'refuse'`: not listening (connection refused); `503`: answers 503 to everything; `false`: up. */
  setDown(mode: false | 'refuse' | 503): Promise<void>;
  run(runId: string): ReceivedRun | undefined;
  runs(): ReceivedRun[];
  versions(namespace: string, name: string): DatasetVersion[];
  /** The current version: the last one made (MARQUEZ.md:30-31). */
  current(namespace: string, name: string): DatasetVersion | undefined;
  datasets(): { namespace: string; name: string }[];
  /** Resolves once `predicate` holds, checked after every request and write. */
  until(predicate: (receiver: MarquezReceiver) => boolean): Promise<void>;
  close(): Promise<void>;
}

/** How Marquez's web UI shows a node: about 20 characters (MARQUEZ.md:45). */
export function marquezLabel(name: string): string {
  return name.length <= 20 ? name : `${name.slice(0, 20)}…`;
}

type Json = Record<string, unknown>;

class Reject extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType = 'application/json',
  ) {
    super(`HTTP ${status}`);
  }
}

/** 422 `{"errors":["<path> must not be null"]}` (MARQUEZ.md:11). */
const missing = (path: string) => new Reject(422, JSON.stringify({ errors: [`${path} must not be null`] }));

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Run state of an event type: unknown (or lower-case unknown) types become RUNNING (MARQUEZ.md:16). */
function stateOf(eventType: unknown): RunState {
  switch (typeof eventType === 'string' ? eventType.toUpperCase() : '') {
    case 'COMPLETE':
      return 'COMPLETED';
    case 'FAIL':
      return 'FAILED';
    case 'ABORT':
      return 'ABORTED';
    default:
      return 'RUNNING';
  }
}

/**
 * Facets Marquez knows need `_producer` and `_schemaURL` (MARQUEZ.md:13); `parent` needs `job`, `jobType` its three
 * fields (MARQUEZ.md:14).
 */
function checkKnownFacet(path: string, key: string, facet: unknown): void {
  if (!isObject(facet)) return;
  for (const field of ['_producer', '_schemaURL']) {
    if (facet[field] === undefined || facet[field] === null) throw missing(`${path}.${field}`);
  }
  if (key === 'parent' && !isObject(facet.job)) throw missing(`${path}.job`);
  if (key === 'jobType') {
    for (const field of ['processingType', 'integration', 'jobType']) {
      if (facet[field] === undefined || facet[field] === null) throw missing(`${path}.${field}`);
    }
  }
}

function checkDatasets(list: unknown, where: 'inputs' | 'outputs'): void {
  if (!Array.isArray(list)) return;
  list.forEach((d, i) => {
    if (!isObject(d)) return;
    // An input or output needs `namespace` and `name` (MARQUEZ.md:12).
    if (d.namespace === undefined || d.namespace === null) throw missing(`${where}[${i}].namespace`);
    if (d.name === undefined || d.name === null) throw missing(`${where}[${i}].name`);
    if (isObject(d.facets)) checkKnownFacet(`${where}[${i}].facets.schema`, 'schema', d.facets.schema);
  });
}

/** The checks Marquez makes, in the order it answers them. Returns the event kind (MARQUEZ.md:22-23). */
function check(
  contentType: string | undefined,
  text: string,
): { event: Json; kind: 'RunEvent' | 'JobEvent' | 'DatasetEvent' } {
  // A non-JSON Content-Type → 415 (MARQUEZ.md:20).
  if (!contentType || !/^application\/json\b/i.test(contentType)) {
    throw new Reject(415, JSON.stringify({ code: 415, message: 'HTTP 415 Unsupported Media Type' }));
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Malformed JSON → HTTP 500 with a body {"code":400,…} (MARQUEZ.md:19).
    throw new Reject(500, JSON.stringify({ code: 400, message: 'Unable to process JSON' }));
  }
  // A single event per request: a JSON array gets a 500 (MARQUEZ.md:10).
  if (Array.isArray(body)) {
    throw new Reject(500, JSON.stringify({ code: 500, message: 'There was an error processing your request.' }));
  }
  if (!isObject(body)) throw new Reject(500, JSON.stringify({ code: 400, message: 'Unable to process JSON' }));
  const event = body;
  // The kind is the last path segment of schemaURL: DatasetEvent and JobEvent are static, anything else a run
  // (MARQUEZ.md:22-23).
  const last = typeof event.schemaURL === 'string' ? (event.schemaURL.split('/').pop() ?? '') : '';
  const kind = last === 'DatasetEvent' ? 'DatasetEvent' : last === 'JobEvent' ? 'JobEvent' : 'RunEvent';
  // 422 when producer or eventTime is missing (MARQUEZ.md:11).
  if (event.producer === undefined || event.producer === null) throw missing('producer');
  if (event.eventTime === undefined || event.eventTime === null) throw missing('eventTime');
  // An unparseable eventTime → HTTP 500 with {"code":400,…} (MARQUEZ.md:19); one without offset is fine
  // (MARQUEZ.md:17).
  if (typeof event.eventTime !== 'string' || Number.isNaN(Date.parse(event.eventTime))) {
    throw new Reject(500, JSON.stringify({ code: 400, message: 'Unable to process JSON' }));
  }
  if (kind === 'RunEvent') {
    // 422 without run or run.runId (MARQUEZ.md:11-12).
    if (!isObject(event.run)) throw missing('run');
    if (event.run.runId === undefined || event.run.runId === null) throw missing('run.runId');
    if (isObject(event.run.facets)) {
      for (const key of ['nominalTime', 'parent']) checkKnownFacet(`run.facets.${key}`, key, event.run.facets[key]);
    }
  }
  if (kind !== 'DatasetEvent') {
    // 422 without job, job.namespace or job.name (MARQUEZ.md:11-12).
    if (!isObject(event.job)) throw missing('job');
    if (event.job.namespace === undefined || event.job.namespace === null) throw missing('job.namespace');
    if (event.job.name === undefined || event.job.name === null) throw missing('job.name');
    // An empty job.name → a 400 HTML page (MARQUEZ.md:20).
    if (event.job.name === '') {
      throw new Reject(400, '<html><body><h1>400 Bad Request</h1></body></html>', 'text/html');
    }
    if (isObject(event.job.facets)) checkKnownFacet('job.facets.jobType', 'jobType', event.job.facets.jobType);
    checkDatasets(event.inputs, 'inputs');
    checkDatasets(event.outputs, 'outputs');
  } else if (isObject(event.dataset) && isObject(event.dataset.facets)) {
    checkKnownFacet('dataset.facets.schema', 'schema', event.dataset.facets.schema);
  }
  return { event, kind };
}

export async function startMarquezReceiver(): Promise<MarquezReceiver> {
  const requests: ReceivedRequest[] = [];
  const written: Json[] = [];
  const runs = new Map<string, ReceivedRun>();
  const versions = new Map<string, DatasetVersion[]>();
  const watchers: { predicate: (r: MarquezReceiver) => boolean; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();
  /** How many times each request body came. */
  const copies = new Map<string, number>();
  let down: false | 'refuse' | 503 = false;
  let paused: Promise<void> | undefined;
  let unpause: (() => void) | undefined;
  let port = 0;

  const datasetKey = (namespace: string, name: string) => `${namespace}\u0000${name}`;

  /** The database write: what a GET right after a 201 sees (MARQUEZ.md:9). */
  function write(event: Json, kind: string): void {
    written.push(event);
    let runId: string | undefined;
    if (kind === 'RunEvent') {
      const run = event.run as Json;
      const job = event.job as Json;
      runId = String(run.runId);
      const existing = runs.get(runId);
      const record: ReceivedRun = existing ?? {
        runId,
        job: { namespace: String(job.namespace), name: String(job.name) },
        state: 'RUNNING',
        events: [],
        eventTimes: [],
      };
      // The last event received decides the run's state, not the event times (MARQUEZ.md:26).
      record.state = stateOf(event.eventType);
      record.events.push(String(event.eventType));
      record.eventTimes.push(String(event.eventTime));
      runs.set(runId, record);
    }
    if (kind !== 'DatasetEvent' && Array.isArray(event.outputs)) {
      // A new dataset version for every output of every event, START included (MARQUEZ.md:30).
      for (const output of event.outputs as Json[]) {
        const facets = isObject(output.facets) ? { ...output.facets } : {};
        // Column lineage is stored only next to a schema facet of the same output (MARQUEZ.md:43-44).
        const dropped = facets.columnLineage !== undefined && facets.schema === undefined;
        if (dropped) delete facets.columnLineage;
        const key = datasetKey(String(output.namespace), String(output.name));
        const list = versions.get(key) ?? [];
        list.push({
          namespace: String(output.namespace),
          name: String(output.name),
          runId,
          eventType: kind === 'RunEvent' ? String(event.eventType) : undefined,
          facets,
          droppedColumnLineage: dropped,
        });
        versions.set(key, list);
      }
    }
  }

  function notify(): void {
    for (const watcher of [...watchers]) {
      if (watcher.predicate(receiver)) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve();
      }
    }
  }

  function answer(res: ServerResponse, status: number, body: string, contentType: string): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, text: string): Promise<void> {
    const record: ReceivedRequest = { status: 0, body: text, json: undefined };
    try {
      record.json = JSON.parse(text);
    } catch {
      // not JSON; check() answers it
    }
    requests.push(record);
    notify();
    if (down === 503) {
      record.status = 503;
      answer(res, 503, JSON.stringify({ code: 503, message: 'Service Unavailable' }), 'application/json');
      notify();
      return;
    }
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/api/v1/lineage') {
      record.status = 404;
      answer(res, 404, JSON.stringify({ code: 404, message: 'HTTP 404 Not Found' }), 'application/json');
      notify();
      return;
    }
    let checked: ReturnType<typeof check>;
    try {
      checked = check(req.headers['content-type'], text);
    } catch (err) {
      const reject = err as Reject;
      record.status = reject.status;
      answer(res, reject.status, reject.body, reject.contentType);
      notify();
      return;
    }
    // 201 with an empty body, only after the write (MARQUEZ.md:9); the write happens even if the client has gone.
    const copy = copies.get(text) ?? 0;
    copies.set(text, copy + 1);
    const delay = receiver.delayOf ? receiver.delayOf(checked.event, copy) : receiver.delayMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    while (paused) await paused;
    write(checked.event, checked.kind);
    record.status = 201;
    answer(res, 201, '', 'application/json');
    notify();
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Open keep-alive connections would keep accepting requests: drop them, as a stopped server does.
      for (const socket of sockets) socket.destroy();
    });

  await listen();

  const receiver: MarquezReceiver = {
    url: `http://127.0.0.1:${port}`,
    requests,
    written,
    delayMs: 0,
    delayOf: undefined,
    pause() {
      paused ??= new Promise<void>((resolve) => {
        unpause = resolve;
      });
    },
    resume() {
      const release = unpause;
      paused = undefined;
      unpause = undefined;
      release?.();
    },
    async setDown(mode) {
      if (mode === down) return;
      if (mode === 'refuse') await stop();
      else if (down === 'refuse') await listen();
      down = mode;
    },
    run: (runId) => runs.get(runId),
    runs: () => [...runs.values()],
    versions: (namespace, name) => versions.get(datasetKey(namespace, name)) ?? [],
    current: (namespace, name) => versions.get(datasetKey(namespace, name))?.at(-1),
    datasets: () => [...versions.values()].map((list) => ({ namespace: list[0]!.namespace, name: list[0]!.name })),
    until(predicate) {
      if (predicate(receiver)) return Promise.resolve();
      return new Promise<void>((resolve) => watchers.push({ predicate, resolve }));
    },
    async close() {
      receiver.resume();
      if (down !== 'refuse') await stop();
    },
  };
  return receiver;
}
