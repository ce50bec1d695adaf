import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { MessageHandler, Subscription } from '../bus.js';
import { type Delivery, runHandler } from '../run-handler.js';
import type { ResolvedSubscribeOptions } from '../subscribe-options.js';
import { type StreamEntry, parseClaimReply, parseReadReply } from './parse-entries.js';

export interface RedisConsumerContext {
  /** The bus's shared connection, for XACK: the acks of the last batch are sent after close() cut the reader off. */
  commands: Redis;
  key: string;
  options: ResolvedSubscribeOptions;
  handler: MessageHandler;
  ensureGroup(fromStart: boolean): Promise<void>;
}

const maxBackoffMs = 5000;

/**
 * One consumer of a stream's group. New entries come from a blocking XREADGROUP on a connection of its
 * own (a blocked connection can serve nothing else; and ioredis's auto-pipelining mangles callBuffer, so
 * the raw-reply commands run there too); every claimIntervalMs it first takes over entries
 * idle for ackWaitMs with XAUTOCLAIM, which is how a dead consumer's work reaches the living.
 */
export function startRedisConsumer(context: RedisConsumerContext): Subscription {
  const { commands, key, options } = context;
  const { group, consumer, batch, ackWaitMs } = options;
  const reader = commands.duplicate({ enableAutoPipelining: false });
  // Failures surface as rejected commands; without a listener ioredis would also print each one.
  reader.on('error', () => {});
  // Short enough that a dead consumer's entries wait about ackWaitMs, not twice that; capped so a long
  // ackWait still claims every few seconds.
  const claimIntervalMs = Math.min(Math.max(Math.floor(ackWaitMs / 2), 20), 5000);
  const stop = new AbortController();
  let claimCursor = '0-0';
  let nextClaimAtMs = 0;
  // A consumer that restarts under the same name first gets back what it had been delivered and not
  // acked, oldest first, before anything new: a consumer that replays state from its messages needs
  // them in stream order, which XAUTOCLAIM (after ackWaitMs, interleaved with new reads) cannot give.
  let ownPendingCursor: string | undefined = '0-0';

  const claim = async (): Promise<Delivery[]> => {
    const reply = await reader.callBuffer('XAUTOCLAIM', key, group, consumer, ackWaitMs, claimCursor, 'COUNT', batch);
    const { cursor, entries } = parseClaimReply(reply);
    claimCursor = cursor;
    if (entries.length === 0) return [];
    return withDeliveryCounts(entries);
  };

  // XAUTOCLAIM does not return delivery counts; the PEL has them, already incremented by the claim.
  const withDeliveryCounts = async (entries: StreamEntry[]): Promise<Delivery[]> => {
    const first = entries[0]!.id;
    const last = entries[entries.length - 1]!.id;
    const pending = (await reader.xpending(key, group, first, last, entries.length * 2 + 10, consumer)) as [string, string, number, number][];
    const counts = new Map(pending.map(([id, , , count]) => [id, count]));
    return entries.map(({ id, payload }) => ({ id, payload, deliveryCount: counts.get(id) ?? 2 }));
  };

  const read = async (): Promise<Delivery[]> => {
    const reply = await reader.callBuffer('XREADGROUP', 'GROUP', group, consumer, 'COUNT', batch, 'BLOCK', claimIntervalMs, 'STREAMS', key, '>');
    return parseReadReply(reply).map(({ id, payload }) => ({ id, payload, deliveryCount: 1 }));
  };

  const readOwnPending = async (cursor: string): Promise<Delivery[]> => {
    const reply = await reader.callBuffer('XREADGROUP', 'GROUP', group, consumer, 'COUNT', batch, 'STREAMS', key, cursor);
    const entries = parseReadReply(reply);
    ownPendingCursor = entries.length === 0 ? undefined : entries[entries.length - 1]!.id;
    return entries.length === 0 ? [] : withDeliveryCounts(entries);
  };

  const loop = async (): Promise<void> => {
    let backoffMs = 100;
    while (!stop.signal.aborted) {
      try {
        let deliveries: Delivery[] = [];
        if (ownPendingCursor !== undefined) deliveries = await readOwnPending(ownPendingCursor);
        if (deliveries.length === 0 && Date.now() >= nextClaimAtMs) {
          deliveries = await claim();
          if (deliveries.length === 0) nextClaimAtMs = Date.now() + claimIntervalMs;
        }
        if (deliveries.length === 0) deliveries = await read();
        // Read but not handled: they stay pending on this consumer and are claimed after ackWaitMs.
        if (stop.signal.aborted) break;
        if (deliveries.length > 0) {
          const acked = await runHandler(options.topic, deliveries, context.handler, options.onError);
          if (acked.length > 0) await commands.xack(key, group, ...acked);
        }
        backoffMs = 100;
      } catch (error) {
        if (stop.signal.aborted) break;
        options.onError(error);
        await sleep(backoffMs, undefined, { signal: stop.signal }).catch(() => {});
        backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
        // The stream or group was deleted under us: recreate it, from the start so nothing retained is skipped.
        if (error instanceof Error && error.message.startsWith('NOGROUP')) await context.ensureGroup(true).catch(() => {});
      }
    }
  };
  const running = loop();
  let closing: Promise<void> | undefined;

  return {
    close: () => {
      closing ??= (async () => {
        stop.abort();
        // Disconnecting is the only way to cut a blocked XREADGROUP short; an entry it had already taken
        // stays pending here and is claimed by the group after ackWaitMs.
        reader.disconnect();
        await running;
        await forgetConsumerIfIdle(commands, key, group, consumer).catch(options.onError);
      })();
      return closing;
    },
  };
}

/**
 * Consumers otherwise accumulate in the group forever. Deleting one drops its pending entries, so only
 * one that owns none is deleted; nothing can hand it new ones once its loop has stopped.
 */
async function forgetConsumerIfIdle(commands: Redis, key: string, group: string, consumer: string): Promise<void> {
  const pending = (await commands.xpending(key, group, '-', '+', 1, consumer)) as unknown[];
  if (pending.length === 0) await commands.xgroup('DELCONSUMER', key, group, consumer);
}
