import { Redis } from 'ioredis';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Bus, MessageHandler, SubscribeOptions, Subscription } from '../bus.js';
import { checkName, checkPayload, checkPositiveInt, checkTopic } from '../check-names.js';
import { resolveSubscribeOptions } from '../subscribe-options.js';
import { startRedisConsumer } from './consumer.js';
import { payloadField } from './parse-entries.js';

export interface RedisBusOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Every stream key is `<prefix>:<topic>`. Default 'slipway'. */
  prefix?: string;
  /**
   * Approximate cap on entries per stream (XADD MAXLEN ~): Redis trims whole nodes, so a stream may hold
   * somewhat more. Trimmed entries are gone even if a group had not read them. Default: unbounded.
   */
  maxLen?: number;
}

/** Redis Streams: a stream per topic, a consumer group per group, XACK once the handler settles. */
export async function createRedisBus(options: RedisBusOptions): Promise<Bus> {
  const prefix = checkName('prefix', options.prefix ?? 'slipway');
  const trim = options.maxLen === undefined ? [] : ['MAXLEN', '~', checkPositiveInt('maxLen', options.maxLen)];
  // Auto-pipelining sends every command issued in one tick as one write: concurrent publishes cost one
  // round trip between them, not one each.
  const commands = new Redis(options.url, { enableAutoPipelining: true, lazyConnect: true });
  commands.on('error', () => {});
  await commands.connect().catch((error: unknown) => {
    commands.disconnect();
    throw new AppError(ErrorCode.unavailable, `bus: cannot connect to Redis at ${redactPassword(options.url)}: ${String(error)}`, {
      cause: error,
    });
  });
  const subscriptions = new Set<Subscription>();
  const streamKey = (topic: string) => `${prefix}:${checkTopic(topic)}`;
  const toBuffer = (payload: Uint8Array) => Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);

  const ensureGroup = async (key: string, group: string, fromStart: boolean): Promise<void> => {
    try {
      await commands.xgroup('CREATE', key, group, fromStart ? '0' : '$', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
  };

  return {
    publish: async (topic, payload) => {
      const key = streamKey(topic);
      const body = toBuffer(checkPayload(payload, `publish to ${topic}`));
      const id = await commands.xadd(key, ...trim, '*', payloadField, body);
      return { id: id! };
    },
    publishBatch: async (topic, payloads) => {
      const key = streamKey(topic);
      const bodies = payloads.map((payload, i) => toBuffer(checkPayload(payload, `publish to ${topic} [${i}]`)));
      if (bodies.length === 0) return { ids: [] };
      const pipeline = commands.pipeline();
      for (const body of bodies) pipeline.xadd(key, ...trim, '*', payloadField, body);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0];
      return { ids: results.map(([, id]) => String(id)) };
    },
    subscribe: async (topic: string, subscribeOptions: SubscribeOptions, handler: MessageHandler) => {
      const resolved = resolveSubscribeOptions(topic, subscribeOptions);
      const key = streamKey(resolved.topic);
      await ensureGroup(key, resolved.group, resolved.fromStart);
      const consumer = startRedisConsumer({
        commands,
        key,
        options: resolved,
        handler,
        ensureGroup: (fromStart) => ensureGroup(key, resolved.group, fromStart),
      });
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
      await commands.quit().catch(() => commands.disconnect());
    },
  };
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}
