import type { Bus, MessageHandler, SubscribeOptions, Subscription } from '../bus.js';
import { checkPayload, checkPositiveInt, checkTopic } from '../check-names.js';
import { resolveSubscribeOptions } from '../subscribe-options.js';
import { startMemoryConsumer } from './consumer.js';
import { TopicLog } from './topic-log.js';

export interface MemoryBusOptions {
  /** Messages retained per topic; the oldest are dropped beyond it, even unread. Default: unbounded. */
  maxLen?: number;
  /** Milliseconds since the epoch; injected by tests. Default Date.now. */
  now?: () => number;
}

/** The embedded default: one process, nothing persisted, same delivery rules as the brokers. */
export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  const maxLen = options.maxLen === undefined ? undefined : checkPositiveInt('maxLen', options.maxLen);
  const now = options.now ?? Date.now;
  const topics = new Map<string, TopicLog>();
  const subscriptions = new Set<Subscription>();

  const topicLog = (topic: string): TopicLog => {
    let log = topics.get(topic);
    if (!log) {
      log = new TopicLog(maxLen);
      topics.set(topic, log);
    }
    return log;
  };

  const append = (topic: string, payloads: readonly Uint8Array[]): string[] => {
    checkTopic(topic);
    // Copied, so a caller reusing its buffer cannot change what was published.
    const copies = payloads.map((payload, i) => Uint8Array.from(checkPayload(payload, `publish to ${topic} [${i}]`)));
    const log = topicLog(topic);
    const ids = copies.map((payload) => String(log.append(payload)));
    log.wakeAll();
    return ids;
  };

  return {
    publish: async (topic, payload) => ({ id: append(topic, [payload])[0]! }),
    publishBatch: async (topic, payloads) => ({ ids: append(topic, payloads) }),
    subscribe: async (topic: string, subscribeOptions: SubscribeOptions, handler: MessageHandler) => {
      const resolved = resolveSubscribeOptions(topic, subscribeOptions);
      const consumer = startMemoryConsumer(topicLog(resolved.topic), resolved, handler, now);
      const subscription: Subscription = {
        close: async () => {
          subscriptions.delete(subscription);
          await consumer.close();
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },
    close: async () => {
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
    },
  };
}
