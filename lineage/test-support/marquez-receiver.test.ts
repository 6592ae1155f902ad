import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outputDataset } from '../datasets.js';
import type { RunEvent } from '../model.js';
import { assetComplete, assetJobEvent, assetStart } from './sample-events.js';
import type { MarquezReceiver } from './marquez-receiver.js';
import { marquezLabel, startMarquezReceiver } from './marquez-receiver.js';

let marquez: MarquezReceiver;
beforeEach(async () => {
  marquez = await startMarquezReceiver();
});
afterEach(async () => {
  await marquez.close();
});

async function post(body: unknown, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  const response = await fetch(`${marquez.url}/api/v1/lineage`, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/** A START with one field taken out (a dotted path). */
function without(path: string): Record<string, unknown> {
  const event = JSON.parse(JSON.stringify(assetStart())) as Record<string, unknown>;
  const parts = path.split('.');
  let node = event as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  delete node[parts.at(-1)!];
  return event;
}

describe('the Marquez receiver', () => {
  it('answers 201 with an empty body, after the write (MARQUEZ.md:9)', async () => {
    expect(await post(assetStart())).toEqual({ status: 201, text: '' });
    expect(marquez.run(assetStart().run.runId)?.state).toBe('RUNNING');
  });

  it('answers 422 naming the missing core field (MARQUEZ.md:11-12)', async () => {
    for (const path of ['producer', 'eventTime', 'run', 'run.runId', 'job', 'job.namespace', 'job.name']) {
      const answer = await post(without(path));
      expect(answer.status).toBe(422);
      expect(JSON.parse(answer.text)).toEqual({ errors: [`${path} must not be null`] });
    }
    const event = JSON.parse(JSON.stringify(assetStart())) as { outputs: Record<string, unknown>[] };
    delete event.outputs[0]!.name;
    expect(await post(event)).toMatchObject({ status: 422, text: '{"errors":["outputs[0].name must not be null"]}' });
    expect(marquez.written).toHaveLength(0);
  });

  it('wants _producer and _schemaURL on the facets it knows, job in parent, all of jobType (MARQUEZ.md:13-14)', async () => {
    expect((await post(without('run.facets.nominalTime._producer'))).status).toBe(422);
    expect((await post(without('run.facets.parent._schemaURL'))).status).toBe(422);
    expect((await post(without('run.facets.parent.job'))).status).toBe(422);
    expect((await post(without('job.facets.jobType.integration'))).status).toBe(422);
    const complete = JSON.parse(JSON.stringify(assetComplete())) as RunEvent;
    delete (complete.outputs[0]!.facets!.schema as Partial<{ _producer: string }>)._producer;
    expect((await post(complete)).status).toBe(422);
    // A facet it does not know may lack them (MARQUEZ.md:17-18).
    expect((await post(without('run.facets.processing_engine._producer'))).status).toBe(201);
  });

  it('accepts what is not spec-valid: no schemaURL, an unknown eventType that becomes RUNNING (MARQUEZ.md:15-18)', async () => {
    const event = { ...without('schemaURL'), eventType: 'whatever' };
    expect((await post(event)).status).toBe(201);
    expect(marquez.run(assetStart().run.runId)?.state).toBe('RUNNING');
  });

  it('answers 500 with code 400 to malformed JSON or an unparseable eventTime, 400 to an empty job name, 415 to a non-JSON type (MARQUEZ.md:19-20)', async () => {
    expect(await post('{"eventTime":')).toMatchObject({ status: 500 });
    expect(JSON.parse((await post('{"eventTime":')).text)).toMatchObject({ code: 400 });
    const badTime = await post({ ...assetStart(), eventTime: 'yesterday' });
    expect(badTime.status).toBe(500);
    expect(JSON.parse(badTime.text)).toMatchObject({ code: 400 });
    expect((await post({ ...assetStart(), job: { ...assetStart().job, name: '' } })).status).toBe(400);
    expect((await post(assetStart(), 'text/plain')).status).toBe(415);
  });

  it('takes one event per request: an array gets a 500 (MARQUEZ.md:10)', async () => {
    expect((await post([assetStart()])).status).toBe(500);
  });

  it('lets the last event received decide the run state, not the event times (MARQUEZ.md:26-29)', async () => {
    await post(assetStart());
    await post(assetComplete());
    expect(marquez.run(assetStart().run.runId)?.state).toBe('COMPLETED');
    await post(assetStart());
    expect(marquez.run(assetStart().run.runId)).toMatchObject({ state: 'RUNNING', events: ['START', 'COMPLETE', 'START'] });
  });

  it('makes a dataset version for every output of every event, the last one current (MARQUEZ.md:30-31)', async () => {
    const { namespace, name } = assetStart().outputs[0]!;
    await post(assetStart());
    await post(assetComplete());
    expect(marquez.versions(namespace, name).map((v) => v.eventType)).toEqual(['START', 'COMPLETE']);
    expect(marquez.current(namespace, name)?.facets).toHaveProperty('schema');
    await post(assetStart());
    expect(marquez.current(namespace, name)?.facets).not.toHaveProperty('schema');
    await post(assetJobEvent());
    expect(marquez.versions(namespace, name)).toHaveLength(4);
  });

  it('keeps column lineage only next to a schema facet of the same output (MARQUEZ.md:43-44)', async () => {
    const columnLineage = { _producer: 'p', _schemaURL: 's', fields: {} };
    const start = assetStart();
    const output = start.outputs[0]!;
    await post({ ...start, outputs: [outputDataset({ ...output, facets: { ...output.facets, columnLineage } })] });
    expect(marquez.current(output.namespace, output.name)).toMatchObject({ droppedColumnLineage: true });
    expect(marquez.current(output.namespace, output.name)?.facets).not.toHaveProperty('columnLineage');
    const complete = assetComplete();
    const done = complete.outputs[0]!;
    await post({ ...complete, outputs: [{ ...done, facets: { ...done.facets, columnLineage } }] });
    expect(marquez.current(done.namespace, done.name)?.facets).toHaveProperty('columnLineage');
  });

  it('can be slow, paused, refusing connections or answering 503', async () => {
    marquez.pause();
    const pending = post(assetStart());
    await marquez.until((m) => m.requests.length === 1);
    expect(marquez.written).toHaveLength(0);
    marquez.resume();
    expect((await pending).status).toBe(201);

    await marquez.setDown(503);
    expect((await post(assetStart())).status).toBe(503);
    await marquez.setDown('refuse');
    await expect(post(assetStart())).rejects.toThrow();
    await marquez.setDown(false);
    expect((await post(assetStart())).status).toBe(201);
    expect(marquez.written).toHaveLength(2);
  });

  it('shows about 20 characters of a name, as the web UI does (MARQUEZ.md:45-46)', () => {
    expect(marquezLabel('/home/user/.assay/lake/marts/daily_mean')).toBe('/home/user/.assay/la…');
    expect(marquezLabel('daily_mean')).toBe('daily_mean');
  });
});
