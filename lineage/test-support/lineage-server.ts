/**
 * A stand-in lineage backend for tests: a `node:http` server on a free local port that records
 * each request and answers as the test says (a status, a hang, or a closed connection).
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The body, gunzipped if it was compressed. */
  text: string;
  json: unknown;
  /** How the server answered. */
  reply?: Reply;
}

/** What to do with a request: answer with a status, answer it later, never answer, or drop the connection. */
export type Reply = number | { status: number; afterMs: number; body?: string } | 'hang' | 'reset';

export interface LineageServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests answered so far (a delayed answer counts once it is written). */
  readonly answered: RecordedRequest[];
  /** Decides each reply, given the request and its 1-based number. Default: 201 (Marquez's answer). */
  reply: (request: RecordedRequest, n: number) => Reply;
  close(): Promise<void>;
}

export async function startLineageServer(): Promise<LineageServer> {
  const requests: RecordedRequest[] = [];
  const answered: RecordedRequest[] = [];
  const state: { reply: LineageServer['reply'] } = { reply: () => 201 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const text = body.toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, text, json };
      requests.push(recorded);
      const reply = state.reply(recorded, requests.length);
      recorded.reply = reply;
      if (reply === 'hang') return;
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      const answer = (status: number, body?: string) => {
        answered.push(recorded);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body ?? (status >= 400 ? JSON.stringify({ error: `status ${status}` }) : ''));
      };
      if (typeof reply === 'number') answer(reply);
      else setTimeout(() => answer(reply.status, reply.body), reply.afterMs).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answered,
    get reply() {
      return state.reply;
    },
    set reply(fn) {
      state.reply = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
