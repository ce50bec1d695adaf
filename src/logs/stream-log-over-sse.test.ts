import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toErrorBody } from '../api/http-status.js';
import { describeEachStore } from '../test-support/test-store.js';
import { appendLogChunk } from './append-log-chunk.js';
import { type LogHub, createLogHub } from './create-log-hub.js';
import { finishLog } from './finish-log.js';
import { type SseOutcome, parseLastEventId, streamLogOverSse } from './stream-log-over-sse.js';
import { createTestJob, pollUntil } from './test-support/log-fixtures.js';

interface SseEvent {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** A real HTTP client on the stream: fetch, then the body read block by block. */
async function openStream(url: string, lastEventId?: string) {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId },
    signal: controller.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async (): Promise<SseEvent | undefined> => {
    let end = buffer.indexOf('\n\n');
    while (end < 0) {
      const { done, value } = await reader.read();
      if (done) return undefined;
      buffer += value;
      end = buffer.indexOf('\n\n');
    }
    const block = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    const event: SseEvent = {};
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      const [field, value] = [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
      if (field === '') event.comment = value;
      else if (field === 'event' || field === 'id' || field === 'data') event[field] = value;
    }
    return event;
  };
  /** Events up to and including the first that matches, skipping heartbeats. */
  const readUntil = async (match: (event: SseEvent) => boolean): Promise<SseEvent[]> => {
    const events: SseEvent[] = [];
    for (;;) {
      const event = await next();
      if (!event) throw new Error(`stream ended before the expected event; got ${JSON.stringify(events)}`);
      if (event.comment !== undefined) continue;
      events.push(event);
      if (match(event)) return events;
    }
  };
  return { response, next, readUntil, close: () => controller.abort() };
}

const textOf = (events: SseEvent[]) =>
  events
    .filter((e) => e.event === 'chunk')
    .map((e) => (JSON.parse(e.data!) as { text: string }).text)
    .join('');

describeEachStore('streamLogOverSse', (h) => {
  let app: FastifyInstance;
  let hub: LogHub;
  let base: string;
  const outcomes: Promise<SseOutcome>[] = [];

  beforeAll(async () => {
    hub = createLogHub({ db: h.db });
    app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      const { status, body } = toErrorBody(error);
      void reply.status(status).send(body);
    });
    app.get<{ Params: { jobId: string }; Querystring: { heartbeatMs?: string } }>('/jobs/:jobId/log', async (request, reply) => {
      const outcome = streamLogOverSse(reply, {
        hub,
        db: h.db,
        jobId: Number(request.params.jobId),
        fromOffset: parseLastEventId(request.headers['last-event-id']),
        heartbeatMs: request.query.heartbeatMs === undefined ? undefined : Number(request.query.heartbeatMs),
      });
      outcomes.push(outcome);
      await outcome;
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
  });

  const append = async (jobId: number, offset: number, data: Buffer) => {
    const { appended } = await appendLogChunk(h.db, { jobId, offset, data });
    if (appended) hub.publish(jobId, appended.offset, appended.data);
    return offset + data.length;
  };

  it('streams scrollback then live output, whole characters only, and ends when the log finishes', async () => {
    const jobId = await createTestJob(h.db);
    const whole = Buffer.from('héllo wörld 😀 done\n', 'utf8');
    // Cuts inside é (bytes 1-2) and inside 😀 (4 bytes from 14).
    const cuts = [0, 2, 9, 16, whole.length];
    await append(jobId, 0, whole.subarray(cuts[0], cuts[1]));
    const stream = await openStream(`${base}/jobs/${jobId}/log`);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    for (let i = 1; i < cuts.length - 1; i++) await append(jobId, cuts[i]!, whole.subarray(cuts[i], cuts[i + 1]));
    await finishLog(h.db, jobId);
    hub.close(jobId);
    const events = await stream.readUntil((e) => e.event === 'end');
    expect(textOf(events)).toBe(whole.toString('utf8'));
    expect(events.at(-1)).toEqual({ event: 'end', data: JSON.stringify({ length: whole.length }) });
    for (const event of events.filter((e) => e.event === 'chunk')) {
      const { offset, text } = JSON.parse(event.data!) as { offset: number; text: string };
      expect(text).not.toContain('\uFFFD');
      expect(Number(event.id)).toBe(offset + Buffer.byteLength(text));
    }
    expect(await stream.next()).toBeUndefined();
    await expect(outcomes.at(-1)).resolves.toEqual({ outcome: 'end' });
  });

  it('resumes exactly after the last event id when the client reconnects', async () => {
    const jobId = await createTestJob(h.db);
    const lines = Array.from({ length: 6 }, (_, i) => Buffer.from(`step ${i} ✓\n`, 'utf8'));
    let offset = 0;
    for (const line of lines.slice(0, 3)) offset = await append(jobId, offset, line);
    const first = await openStream(`${base}/jobs/${jobId}/log`);
    const seen = await first.readUntil((e) => e.event === 'chunk');
    first.close();
    const lastId = seen.at(-1)!.id!;
    for (const line of lines.slice(3)) offset = await append(jobId, offset, line);
    await finishLog(h.db, jobId);
    hub.close(jobId);
    const second = await openStream(`${base}/jobs/${jobId}/log`, lastId);
    const rest = await second.readUntil((e) => e.event === 'end');
    expect(textOf([...seen, ...rest])).toBe(Buffer.concat(lines).toString('utf8'));
  });

  it('sends heartbeats while idle and stops its subscription when the client goes away', async () => {
    const jobId = await createTestJob(h.db);
    await append(jobId, 0, Buffer.from('waiting\n'));
    const stream = await openStream(`${base}/jobs/${jobId}/log?heartbeatMs=20`);
    const outcome = outcomes.at(-1)!;
    let event = await stream.next();
    while (event && event.comment === undefined) event = await stream.next();
    expect(event).toEqual({ comment: 'heartbeat' });
    stream.close();
    let settled: SseOutcome | undefined;
    void outcome.then((o) => {
      settled = o;
    });
    await pollUntil('the server to notice the disconnect', () => settled !== undefined);
    expect(settled).toEqual({ outcome: 'closed' });
  });

  it('answers an unknown job or an offset past the end with an error status, not a stream', async () => {
    const missing = await fetch(`${base}/jobs/987654321/log`);
    expect(missing.status).toBe(404);
    const jobId = await createTestJob(h.db);
    const pastEnd = await fetch(`${base}/jobs/${jobId}/log`, { headers: { 'last-event-id': '5' } });
    expect(pastEnd.status).toBe(400);
    const garbage = await fetch(`${base}/jobs/${jobId}/log`, { headers: { 'last-event-id': 'abc' } });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { error: { message: string } }).error.message).toMatch(/not a log offset/);
  });
});
