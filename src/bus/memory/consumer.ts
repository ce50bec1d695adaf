import type { MessageHandler, Subscription } from '../bus.js';
import { type Delivery, runHandler } from '../run-handler.js';
import type { ResolvedSubscribeOptions } from '../subscribe-options.js';
import type { MemoryGroup, TopicLog } from './topic-log.js';

/**
 * One consumer of a group. Mirrors the brokers' rules rather than taking in-process shortcuts: a message
 * is owned by whoever it was last delivered to, and any consumer of the group takes it over once it has
 * been unacked for ackWaitMs (even while its handler still runs, as Redis and NATS would).
 */
export function startMemoryConsumer(
  log: TopicLog,
  options: ResolvedSubscribeOptions,
  handler: MessageHandler,
  now: () => number,
): Subscription {
  const group = log.joinGroup(options.group, options.fromStart);
  let closed = false;
  let wake: (() => void) | undefined;

  const idle = (): Promise<void> =>
    new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        log.wakers.delete(done);
        wake = undefined;
        resolve();
      };
      // With nothing pending, another consumer may take a message and die with it: look again within
      // ackWaitMs, which is the earliest such a message could fall due.
      const oldest = group.pending.values().next().value;
      const dueMs = oldest ? oldest.deliveredAtMs + options.ackWaitMs - now() : options.ackWaitMs;
      timer = setTimeout(done, Math.max(1, dueMs));
      log.wakers.add(done);
      wake = done;
    });

  const loop = async (): Promise<void> => {
    while (!closed) {
      const deliveries = takeBatch(log, group, options, now());
      if (deliveries.length === 0) {
        await idle();
        continue;
      }
      const acked = await runHandler(options.topic, deliveries, handler, options.onError);
      for (const id of acked) group.pending.delete(Number(id));
    }
  };
  const running = loop();

  return {
    close: async () => {
      closed = true;
      wake?.();
      await running;
    },
  };
}

/** Overdue redeliveries first (they are the oldest work), then new messages. */
function takeBatch(log: TopicLog, group: MemoryGroup, options: ResolvedSubscribeOptions, nowMs: number): Delivery[] {
  const deliveries: Delivery[] = [];
  for (const [seq, entry] of group.pending) {
    if (deliveries.length >= options.batch || nowMs - entry.deliveredAtMs < options.ackWaitMs) break;
    group.pending.delete(seq);
    const payload = log.payloads.get(seq);
    if (!payload) continue; // trimmed away while pending: nothing left to deliver
    const redelivered = { deliveredAtMs: nowMs, deliveryCount: entry.deliveryCount + 1 };
    group.pending.set(seq, redelivered);
    deliveries.push({ id: String(seq), payload, deliveryCount: redelivered.deliveryCount });
  }
  group.nextSeq = Math.max(group.nextSeq, log.firstSeq);
  while (deliveries.length < options.batch && group.nextSeq < log.nextSeq) {
    const seq = group.nextSeq++;
    group.pending.set(seq, { deliveredAtMs: nowMs, deliveryCount: 1 });
    deliveries.push({ id: String(seq), payload: log.payloads.get(seq)!, deliveryCount: 1 });
  }
  return deliveries;
}
