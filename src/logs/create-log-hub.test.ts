import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Db } from '../store/db.js';
import { describeEachStore } from '../test-support/test-store.js';
import { appendLogChunk } from './append-log-chunk.js';
import { type LogEvent, type LogHub, createLogHub } from './create-log-hub.js';
import { finishLog } from './finish-log.js';
import { bytes, createTestJob, pollUntil } from './test-support/log-fixtures.js';

/** Collects events and checks, as they arrive, that each chunk starts where the previous one ended. */
function createRecorder(fromOffset: number) {
  const parts: Buffer[] = [];
  let next = fromOffset;
  let ended: number | undefined;
  const listener = (event: LogEvent) => {
    if (ended !== undefined) throw new Error('event after end');
    if (event.type === 'end') {
      ended = event.length;
      return;
    }
    if (event.offset !== next) throw new Error(`chunk at ${event.offset}, expected ${next}`);
    if (event.data.length === 0) throw new Error('empty chunk');
    next += event.data.length;
    parts.push(Buffer.from(event.data));
  };
  return {
    listener,
    text: () => Buffer.concat(parts).toString('utf8'),
    received: () => next - fromOffset,
    ended: () => ended,
  };
}

async function appendAndPublish(db: Db, hub: LogHub, jobId: number, offset: number, text: string): Promise<void> {
  const { appended } = await appendLogChunk(db, { jobId, offset, data: bytes(text) });
  if (appended) hub.publish(jobId, appended.offset, appended.data);
}

describeEachStore('createLogHub', (h) => {
  it('gives a late subscriber the scrollback, then live bytes, then the end', async () => {
    const hub = createLogHub({ db: h.db });
    const jobId = await createTestJob(h.db);
    await appendAndPublish(h.db, hub, jobId, 0, 'one\n');
    await appendAndPublish(h.db, hub, jobId, 4, 'two\n');
    const recorder = createRecorder(2);
    const subscription = hub.subscribe(jobId, 2, recorder.listener);
    // Not awaited: these commit while the subscriber reads its scrollback.
    const writes = (async () => {
      await appendAndPublish(h.db, hub, jobId, 8, 'three\n');
      await appendAndPublish(h.db, hub, jobId, 14, 'four\n');
    })();
    await writes;
    await pollUntil('live bytes', () => recorder.received() === 17);
    expect(recorder.ended()).toBeUndefined();
    await finishLog(h.db, jobId);
    hub.close(jobId);
    await subscription.done;
    expect(recorder.text()).toBe('e\ntwo\nthree\nfour\n');
    expect(recorder.ended()).toBe(19);
  });

  it('does not end on a store read that began before the append and the close it missed', async () => {
    // The hub's first store read runs at once but answers only after the log got bytes and was
    // closed: the answer (nothing yet, not finished) is stale, and the subscriber must read again.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held = false;
    const db = new Proxy(h.db, {
      get(target, key) {
        if (key === 'query') {
          return async (sql: string, params?: readonly unknown[]) => {
            const result = await target.query(sql, params);
            if (!held) {
              held = true;
              await gate;
            }
            return result;
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const hub = createLogHub({ db, maxBufferedBytes: 5, readChunkBytes: 7 });
    const jobId = await createTestJob(h.db);
    const recorder = createRecorder(0);
    const { done } = hub.subscribe(jobId, 0, recorder.listener);
    await pollUntil('the first store read to be held', () => held);
    const data = bytes('more than five bytes');
    const { appended } = await appendLogChunk(h.db, { jobId, offset: 0, data });
    hub.publish(jobId, appended!.offset, appended!.data);
    await finishLog(h.db, jobId);
    hub.close(jobId);
    release();
    await done;
    expect(recorder.text()).toBe('more than five bytes');
    expect(recorder.ended()).toBe(data.length);
  });

  it('loses and repeats nothing whatever the chunking, the moment of subscribing, or the publish order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.nat(),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 1, max: 64 }),
        async (pieces, subscribeAt, fromSeed, deferPublish, maxBufferedBytes) => {
          const hub = createLogHub({ db: h.db, maxBufferedBytes, readChunkBytes: 7 });
          const jobId = await createTestJob(h.db);
          const whole = bytes(pieces.join(''));
          const deferred: (() => void)[] = [];
          let offset = 0;
          let recorder: ReturnType<typeof createRecorder> | undefined;
          let done: Promise<void> | undefined;
          let from = 0;
          const subscribeStep = subscribeAt % (pieces.length + 1);
          for (let i = 0; i <= pieces.length; i++) {
            if (i === subscribeStep) {
              from = fromSeed % (offset + 1);
              recorder = createRecorder(from);
              done = hub.subscribe(jobId, from, recorder.listener).done;
            }
            const piece = pieces[i];
            if (piece === undefined) break;
            const data = bytes(piece);
            const { appended } = await appendLogChunk(h.db, { jobId, offset, data });
            offset += data.length;
            const publish = () => hub.publish(jobId, appended!.offset, appended!.data);
            if (deferPublish[i]) deferred.unshift(publish);
            else publish();
          }
          for (const publish of deferred) publish();
          await finishLog(h.db, jobId);
          hub.close(jobId);
          await done;
          expect(recorder!.text()).toBe(whole.subarray(from).toString('utf8'));
          expect(recorder!.ended()).toBe(whole.length);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('lets a slow subscriber fall back to the store without holding up publishers or other subscribers', async () => {
    const hub = createLogHub({ db: h.db, maxBufferedBytes: 40 });
    const jobId = await createTestJob(h.db);
    let openGate: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const slow = createRecorder(0);
    const slowSubscription = hub.subscribe(jobId, 0, async (event) => {
      await gate;
      slow.listener(event);
    });
    const fast = createRecorder(0);
    const fastSubscription = hub.subscribe(jobId, 0, fast.listener);
    const lines = Array.from({ length: 12 }, (_, i) => `line ${String(i).padStart(2, '0')}\n`);
    let offset = 0;
    for (const line of lines) {
      await appendAndPublish(h.db, hub, jobId, offset, line);
      offset += line.length;
    }
    await pollUntil('the fast subscriber to have every line', () => fast.received() === offset);
    expect(slow.received()).toBe(0);
    expect(slowSubscription.fallbacks).toBeGreaterThan(0);
    openGate();
    await finishLog(h.db, jobId);
    hub.close(jobId);
    await Promise.all([slowSubscription.done, fastSubscription.done]);
    expect(slow.text()).toBe(lines.join(''));
    expect(fast.text()).toBe(lines.join(''));
  });

  it('stops delivering after unsubscribe, and ends at once on a finished log', async () => {
    const hub = createLogHub({ db: h.db });
    const jobId = await createTestJob(h.db);
    await appendAndPublish(h.db, hub, jobId, 0, 'abc');
    const leaving = createRecorder(0);
    const subscription = hub.subscribe(jobId, 0, leaving.listener);
    await pollUntil('the scrollback', () => leaving.received() === 3);
    subscription.unsubscribe();
    await subscription.done;
    await appendAndPublish(h.db, hub, jobId, 3, 'def');
    await finishLog(h.db, jobId);
    const late = createRecorder(1);
    await hub.subscribe(jobId, 1, late.listener).done;
    expect([leaving.text(), leaving.ended()]).toEqual(['abc', undefined]);
    expect([late.text(), late.ended()]).toEqual(['bcdef', 6]);
  });

  it('rejects done when the store read fails, e.g. for an unknown job', async () => {
    const hub = createLogHub({ db: h.db });
    await expect(hub.subscribe(987_654_321, 0, () => {}).done).rejects.toMatchObject({ code: 'not_found' });
  });
});
