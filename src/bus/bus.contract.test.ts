/**
 * The one contract every Bus passes: memory, Redis Streams and NATS JetStream, each in a namespace of
 * its own (test-support/bus-services.ts). Every test uses its own topics, so they share one bus per broker.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors/app-error.js';
import type { Bus, BusMessage, SubscribeOptions, Subscription } from './bus.js';
import { type BusService, busServices, requireServices } from './test-support/bus-services.js';

/** Long enough for a loaded CI machine to handle a batch, short enough to keep the suite quick. */
const ackWaitMs = 300;

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (message: BusMessage) => new TextDecoder().decode(message.payload);

interface Received {
  message: BusMessage;
  atMs: number;
}

/** A handler that records what it is given and, unless told otherwise, acks it. */
function createRecorder(options: { ack?: boolean; batchDelayMs?: number } = {}) {
  const received: Received[] = [];
  const batchSizes: number[] = [];
  return {
    received,
    batchSizes,
    texts: () => received.map(({ message }) => text(message)),
    handler: async (messages: readonly BusMessage[]) => {
      batchSizes.push(messages.length);
      for (const message of messages) {
        received.push({ message, atMs: performance.now() });
        if (options.ack !== false) message.ack();
      }
      if (options.batchDelayMs) await sleep(options.batchDelayMs);
    },
  };
}

/** What subscribers reported to onError, shown when a wait times out. */
const subscriberErrors: unknown[] = [];

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; subscriber errors: ${subscriberErrors.map(String).join('; ') || 'none'}`);
    }
    await sleep(10);
  }
}

async function expectInvalid(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(isAppError(error), `expected an AppError, got ${String(error)}`).toBe(true);
  expect(error).toMatchObject({ code: 'invalid_argument' });
  expect((error as Error).message).toMatch(message);
}

function defineContract(service: BusService): void {
  let bus: Bus;
  let dispose: (() => Promise<void>) | undefined;
  const subscriptions: Subscription[] = [];
  const subscribe = async (topic: string, options: SubscribeOptions, handler: (m: readonly BusMessage[]) => Promise<void>) => {
    const subscription = await bus.subscribe(topic, { onError: (error) => subscriberErrors.push(error), ...options }, handler);
    subscriptions.push(subscription);
    return subscription;
  };

  beforeAll(async () => {
    ({ bus, dispose } = await service.open());
  });
  afterAll(async () => {
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
    await dispose?.();
  });

  it('delivers a topic in publish order, in batches, with the ids publish returned', async () => {
    const topic = 'orders.placed';
    const recorder = createRecorder();
    await subscribe(topic, { group: 'billing', consumer: 'c1', batch: 7 }, recorder.handler);
    const first = await bus.publish(topic, bytes('m0'));
    const rest = await bus.publishBatch(
      topic,
      Array.from({ length: 49 }, (_, i) => bytes(`m${i + 1}`)),
    );
    expect(await bus.publishBatch(topic, [])).toEqual({ ids: [] });
    await waitFor('50 messages', () => recorder.received.length >= 50);

    expect(recorder.texts()).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
    expect(recorder.received.map(({ message }) => message.id)).toEqual([first.id, ...rest.ids]);
    expect(new Set([first.id, ...rest.ids]).size).toBe(50);
    expect(recorder.received.every(({ message }) => message.topic === topic && message.deliveryCount === 1)).toBe(true);
    expect(Math.max(...recorder.batchSizes)).toBeLessThanOrEqual(7);
  });

  it('delivers every message to each of two groups', async () => {
    const topic = 'orders.shipped';
    const billing = createRecorder();
    const audit = createRecorder();
    await subscribe(topic, { group: 'billing', consumer: 'c1' }, billing.handler);
    await subscribe(topic, { group: 'audit', consumer: 'c1' }, audit.handler);
    const sent = Array.from({ length: 30 }, (_, i) => `s${i}`);
    await bus.publishBatch(topic, sent.map(bytes));
    await waitFor('both groups to receive 30', () => billing.received.length >= 30 && audit.received.length >= 30);
    expect(billing.texts()).toEqual(sent);
    expect(audit.texts()).toEqual(sent);
  });

  it("splits a group's messages between its consumers, each message once", async () => {
    const topic = 'jobs.queued';
    // A slow batch gives the other consumer its turn on every broker.
    const one = createRecorder({ batchDelayMs: 5 });
    const two = createRecorder({ batchDelayMs: 5 });
    await subscribe(topic, { group: 'workers', consumer: 'one', batch: 5 }, one.handler);
    await subscribe(topic, { group: 'workers', consumer: 'two', batch: 5 }, two.handler);
    const sent = Array.from({ length: 100 }, (_, i) => `j${String(i).padStart(3, '0')}`);
    await bus.publishBatch(topic, sent.map(bytes));
    await waitFor('100 messages between them', () => one.received.length + two.received.length >= 100);

    expect([...one.texts(), ...two.texts()].sort()).toEqual(sent);
    expect(one.received.length).toBeGreaterThan(0);
    expect(two.received.length).toBeGreaterThan(0);
    // Each consumer still sees its share in publish order.
    expect(one.texts()).toEqual([...one.texts()].sort());
    expect(two.texts()).toEqual([...two.texts()].sort());
  });

  it('redelivers an unacked message to another consumer of the group after ackWaitMs', async () => {
    const topic = 'deploys.started';
    const dying = createRecorder({ ack: false });
    const first = await subscribe(topic, { group: 'ctl', consumer: 'dying', ackWaitMs }, dying.handler);
    const { id } = await bus.publish(topic, bytes('only once please'));
    await waitFor('the first delivery', () => dying.received.length === 1);
    // It took the message and goes away without acking: as if its process had died.
    await first.close();

    const heir = createRecorder();
    await subscribe(topic, { group: 'ctl', consumer: 'heir', ackWaitMs }, heir.handler);
    await waitFor('the redelivery', () => heir.received.length === 1, 5000);
    const [redelivered] = heir.received;
    expect(redelivered!.message).toMatchObject({ id, topic, deliveryCount: 2 });
    expect(text(redelivered!.message)).toBe('only once please');
    // Not before ackWaitMs (less the time the first consumer took to record it).
    expect(redelivered!.atMs - dying.received[0]!.atMs).toBeGreaterThanOrEqual(ackWaitMs - 100);

    // Acked now: nothing may come back. An absence can only be awaited for a while: 2 × ackWaitMs.
    await sleep(2 * ackWaitMs);
    expect(heir.received.length).toBe(1);
    expect(dying.received.length).toBe(1);
  });

  it('keeps the acks of a handler that rejects, and redelivers the rest', async () => {
    const topic = 'deploys.failed';
    const seen: BusMessage[] = [];
    const handler = async (messages: readonly BusMessage[]) => {
      for (const message of messages) {
        seen.push(message);
        if (text(message) === 'done' || message.deliveryCount > 1) message.ack();
      }
      if (messages.some((message) => message.deliveryCount === 1)) throw new Error('handler failed after its first ack');
    };
    await subscribe(topic, { group: 'ctl', consumer: 'c1', ackWaitMs }, handler);
    await bus.publishBatch(topic, [bytes('done'), bytes('not yet')]);
    await waitFor('the redelivery of the unacked one', () => seen.length >= 3, 5000);
    await sleep(2 * ackWaitMs);
    expect(seen.map((m) => [text(m), m.deliveryCount])).toEqual([
      ['done', 1],
      ['not yet', 1],
      ['not yet', 2],
    ]);
    expect(subscriberErrors.some((error) => String(error).includes('handler failed after its first ack'))).toBe(true);
  });

  it('stops delivering to a closed consumer', async () => {
    const topic = 'deploys.finished';
    const closing = createRecorder();
    const staying = createRecorder();
    const closed = await subscribe(topic, { group: 'ctl', consumer: 'closing' }, closing.handler);
    await subscribe(topic, { group: 'ctl', consumer: 'staying' }, staying.handler);
    await closed.close();
    await closed.close();
    await bus.publishBatch(
      topic,
      Array.from({ length: 20 }, (_, i) => bytes(`d${i}`)),
    );
    // Were the closed consumer still reading, it would have taken some of these from the other one.
    await waitFor('20 messages to the open consumer', () => staying.received.length >= 20);
    expect(staying.received.length).toBe(20);
    expect(closing.received.length).toBe(0);
  });

  it('round-trips binary payloads byte for byte', async () => {
    const topic = 'telemetry.raw';
    const recorder = createRecorder();
    await subscribe(topic, { group: 'engine', consumer: 'c1' }, recorder.handler);
    const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
    const large = randomBytes(64 * 1024);
    const backing = randomBytes(100);
    const view = backing.subarray(10, 42); // a view into a larger buffer: only its own bytes are sent
    const sent = [everyByte, new Uint8Array(0), large, view];
    await bus.publishBatch(topic, sent);
    await bus.publish(topic, view);
    await waitFor('5 payloads', () => recorder.received.length >= 5);
    const got = recorder.received.map(({ message }) => Buffer.from(message.payload));
    expect(got).toEqual([...sent, view].map((payload) => Buffer.from(payload)));
  });

  it('starts a new group at the next message, or at the oldest retained one with fromStart', async () => {
    const topic = 'decisions';
    await bus.publish(topic, bytes('before'));
    const latest = createRecorder();
    const everything = createRecorder();
    await subscribe(topic, { group: 'latest', consumer: 'c1' }, latest.handler);
    await subscribe(topic, { group: 'everything', consumer: 'c1', fromStart: true }, everything.handler);
    await bus.publish(topic, bytes('after'));
    await waitFor('"after" in both groups', () => latest.received.length >= 1 && everything.received.length >= 2);
    // Order within a topic holds, so had "before" been delivered it would have come first.
    expect(latest.texts()).toEqual(['after']);
    expect(everything.texts()).toEqual(['before', 'after']);
  });

  it('keeps about maxLen messages per topic, dropping the oldest', async () => {
    const trimmed = await service.open({ maxLen: 10 });
    try {
      const topic = 'telemetry.raw';
      const sent = Array.from({ length: 500 }, (_, i) => `t${String(i).padStart(3, '0')}`);
      await trimmed.bus.publishBatch(topic, sent.map(bytes));
      await trimmed.bus.publish('telemetry.other', bytes('another topic keeps its own'));
      const recorder = createRecorder();
      const reader = await trimmed.bus.subscribe(topic, { group: 'late', consumer: 'c1', fromStart: true }, recorder.handler);
      const other = createRecorder();
      const otherReader = await trimmed.bus.subscribe('telemetry.other', { group: 'late', consumer: 'c1', fromStart: true }, other.handler);
      await waitFor('the newest message and the other topic', () => recorder.texts().includes('t499') && other.received.length === 1);
      await Promise.all([reader.close(), otherReader.close()]);
      // Redis trims whole radix-tree nodes (MAXLEN ~), so it may keep somewhat more than 10, never all.
      expect(recorder.received.length).toBeGreaterThanOrEqual(10);
      expect(recorder.received.length).toBeLessThan(250);
      expect(recorder.texts()).toEqual(sent.slice(-recorder.received.length));
    } finally {
      await trimmed.dispose();
    }
  });

  it('rejects invalid topics, names, options and payloads with AppError invalid_argument', async () => {
    const handler = async () => {};
    const ok = { group: 'g', consumer: 'c' };
    await expectInvalid(bus.publish('', bytes('x')), /topic must be a non-empty string/);
    for (const topic of ['telemetry raw', 'telemetry..raw', '.raw', 'telemetry.', 'telemetry.*', 'telemetry.>', 'a/b', 'é']) {
      await expectInvalid(bus.publish(topic, bytes('x')), new RegExp(`topic ${JSON.stringify(topic).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is invalid`));
    }
    await expectInvalid(bus.publishBatch('a b', [bytes('x')]), /topic "a b" is invalid: .*dot-separated tokens/);
    await expectInvalid(bus.publish('ok', 'text' as unknown as Uint8Array), /payload must be a Uint8Array/);
    await expectInvalid(bus.publishBatch('ok', [bytes('x'), null as unknown as Uint8Array]), /publish to ok \[1\]/);
    await expectInvalid(bus.subscribe('', ok, handler), /topic must be a non-empty string/);
    await expectInvalid(bus.subscribe('ok', { ...ok, group: 'has.dot' }, handler), /group name "has.dot" is invalid/);
    await expectInvalid(bus.subscribe('ok', { ...ok, consumer: '' }, handler), /consumer name must be a non-empty string/);
    await expectInvalid(bus.subscribe('ok', { ...ok, ackWaitMs: 0 }, handler), /ackWaitMs must be an integer/);
    await expectInvalid(bus.subscribe('ok', { ...ok, batch: 1.5 }, handler), /batch must be an integer/);
  });
}

for (const service of busServices) {
  if (service.probe.ok) {
    describe(`Bus contract [${service.name}]`, () => defineContract(service));
  } else if (requireServices) {
    const { reason } = service.probe;
    describe(`Bus contract [${service.name}]`, () => {
      it(`needs ${service.name}`, () => {
        throw new Error(`SLIPWAY_REQUIRE_SERVICES=1 but ${reason}`);
      });
    });
  } else {
    console.warn(`Bus contract [${service.name}] is SKIPPED: ${service.probe.reason}. SLIPWAY_REQUIRE_SERVICES=1 makes this a failure.`);
    describe.skip(`Bus contract [${service.name}] — skipped: ${service.probe.reason}`, () => defineContract(service));
  }
}
