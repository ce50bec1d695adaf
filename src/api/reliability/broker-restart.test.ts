/**
 * Redis and NATS restarted under load, through Slipway's own Bus (createBus, as the server builds it):
 * a publisher keeps publishing numbered messages and a consumer group keeps consuming while the broker
 * is stopped and started again several times. Each broker is a private one on a free port: the shared
 * brokers other tests use are never touched.
 *
 * What the bus contract (bus.contract.test.ts) promises and so what is checked:
 * - at-least-once per group: every message whose publish resolved is delivered, unless the broker
 *   itself lost it (Redis here runs without persistence, as a cache-configured Redis does: what was
 *   stored but not yet consumed when it stopped is gone with it; JetStream keeps streams on disk);
 * - a message delivered twice is a redelivery (deliveryCount > 1), which consumers dedup by message id.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bus, BusMessage } from '../../bus/bus.js';
import { createBus } from '../../bus/create-bus.js';
import { waitFor } from '../test-support/wait-for.js';
import { createPrivateNats, createPrivateRedis, findBinary, missingBinaryReason, type PrivateService } from './private-services.js';

/** Broker restarts per broker kind; each is a stop, a pause with the broker down, and a start. */
const restarts = 3;
const downMs = 700;
/** Publishes that must succeed after each restart before the next one: the bus is back, under load. */
const publishesAfterRestart = 100;
/** A broker back up must carry publishes again within this (ioredis retries every ≤2 s, NATS every 2 s). */
const recoverWithinMs = 10_000;

interface Published {
  seq: number;
  /** When publish() was called and when it settled (Date.now). */
  calledAtMs: number;
  settledAtMs: number;
  ok: boolean;
}

interface Outage {
  stoppedAtMs: number;
  startedAtMs: number;
  /** Messages acked by the broker before it stopped that the group had not consumed yet. */
  unconsumedAtStop: number[];
  firstPublishAfterMs?: number;
}

const brokers = [
  { kind: 'redis' as const, binaries: ['redis-server'], create: createPrivateRedis, durable: false },
  { kind: 'nats' as const, binaries: ['nats-server'], create: createPrivateNats, durable: true },
];

for (const broker of brokers) {
  const binary = await findBinary(...broker.binaries);
  const skipReason = missingBinaryReason(broker.binaries[0]!, binary);
  describe.skipIf(skipReason !== undefined)(`the ${broker.kind} bus while its broker restarts${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    });

    it(`reconnects after ${restarts} restarts: publishes resume, every message stored by the broker is consumed, redeliveries only`, { timeout: 60_000 }, async () => {
      const service: PrivateService = await broker.create(binary!);
      cleanups.push(() => service.dispose());
      await service.start();
      const bus: Bus = await createBus({ kind: broker.kind, url: service.url, prefix: 'restart' });
      cleanups.push(() => bus.close());

      const topic = 'telemetry.raw';
      const received = new Map<number, number[]>();
      const errors: string[] = [];
      const subscription = await bus.subscribe(
        topic,
        { group: 'restart-test', consumer: 'c1', ackWaitMs: 2000, batch: 50, onError: (error) => errors.push(String(error)) },
        (messages: readonly BusMessage[]) => {
          for (const message of messages) {
            const seq = Number(new TextDecoder().decode(message.payload));
            const counts = received.get(seq) ?? [];
            counts.push(message.deliveryCount);
            received.set(seq, counts);
            message.ack();
          }
        },
      );
      cleanups.push(() => subscription.close());

      const published: Published[] = [];
      let publishing = true;
      const publisher = (async () => {
        let seq = 0;
        while (publishing) {
          const entry: Published = { seq: seq++, calledAtMs: Date.now(), settledAtMs: 0, ok: false };
          published.push(entry);
          try {
            await bus.publish(topic, new TextEncoder().encode(String(entry.seq)));
            entry.ok = true;
          } catch {
            // The broker is down: the publisher sees the failure and goes on, as telemetry intake does.
          }
          entry.settledAtMs = Date.now();
          if (!entry.ok) await sleep(20);
          else await sleep(2);
        }
      })();
      const okCount = () => published.filter((entry) => entry.ok).length;

      const outages: Outage[] = [];
      await waitFor('the first publishes', async () => (okCount() >= publishesAfterRestart ? true : undefined), recoverWithinMs);
      for (let r = 0; r < restarts; r++) {
        // Stopping takes a moment: what was acked until it began is what the broker held.
        const ackedBeforeStop = published.filter((entry) => entry.ok).map((entry) => entry.seq);
        const stoppedAtMs = Date.now();
        await service.stop();
        const unconsumedAtStop = ackedBeforeStop.filter((seq) => !received.has(seq));
        await sleep(downMs);
        await service.start();
        const outage: Outage = { stoppedAtMs, startedAtMs: Date.now(), unconsumedAtStop };
        outages.push(outage);
        const okBefore = okCount();
        await waitFor(
          `publishes to succeed after restart ${r + 1}`,
          async () => {
            const first = published.find((entry) => entry.ok && entry.calledAtMs >= outage.startedAtMs);
            if (first && outage.firstPublishAfterMs === undefined) outage.firstPublishAfterMs = first.settledAtMs - outage.startedAtMs;
            return okCount() - okBefore >= publishesAfterRestart && first ? true : undefined;
          },
          recoverWithinMs + 10_000,
        );
      }
      publishing = false;
      await publisher;

      const acked = published.filter((entry) => entry.ok);
      // Lost with the broker's memory: acked before a stop and not consumed by then (a Redis without persistence).
      const lostWithBroker = new Set(broker.durable ? [] : outages.flatMap((outage) => outage.unconsumedAtStop));
      const expected = acked.filter((entry) => !lostWithBroker.has(entry.seq));
      await waitFor(
        'every stored message to be consumed',
        async () => (expected.every((entry) => received.has(entry.seq)) ? true : undefined),
        20_000,
      ).catch(() => undefined);

      const missing = expected.filter((entry) => !received.has(entry.seq)).map((entry) => entry.seq);
      const missingAfterReconnect = missing.filter((seq) => outages.some((outage) => published[seq]!.calledAtMs >= outage.startedAtMs));
      const duplicates = [...received.entries()].filter(([, counts]) => counts.length > 1);
      // A second delivery of a message must say it is one: that is what lets consumers dedup.
      const unmarkedDuplicates = duplicates.filter(([, counts]) => counts.slice(1).some((count) => count < 2)).map(([seq]) => seq);
      const notPublished = [...received.keys()].filter((seq) => !published[seq]);
      console.log(
        `${broker.kind}: ${restarts} restarts (down ${downMs} ms each); ${published.length} publishes, ${acked.length} acked, ` +
          `${published.length - acked.length} failed while down; ${received.size} distinct consumed, ${duplicates.length} redelivered; ` +
          `lost with the broker's memory: ${lostWithBroker.size}; missing: ${missing.length}; ` +
          `first publish after restart: ${outages.map((outage) => `${outage.firstPublishAfterMs} ms`).join(', ')}; subscriber errors: ${errors.length}`,
      );
      expect(missingAfterReconnect, 'published after a reconnect, never consumed').toEqual([]);
      expect(missing, 'stored by the broker, never consumed').toEqual([]);
      expect(unmarkedDuplicates, 'delivered twice without a deliveryCount > 1').toEqual([]);
      expect(notPublished).toEqual([]);
      if (broker.durable) expect(lostWithBroker.size).toBe(0);
      for (const outage of outages) expect(outage.firstPublishAfterMs).toBeLessThan(recoverWithinMs);
      // Otherwise the restarts happened while nothing was published, and the test proved nothing.
      expect(acked.length).toBeGreaterThanOrEqual((restarts + 1) * publishesAfterRestart);
    });
  });
}
