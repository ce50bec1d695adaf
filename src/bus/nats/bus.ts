import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Bus, MessageHandler, SubscribeOptions, Subscription } from '../bus.js';
import { checkName, checkPayload, checkPositiveInt, checkTopic } from '../check-names.js';
import { type ResolvedSubscribeOptions, resolveSubscribeOptions } from '../subscribe-options.js';
import { startNatsConsumer } from './consumer.js';
import { natsDurableName, natsStreamName, natsStreamSubjects, natsSubject } from './names.js';

export interface NatsBusOptions {
  /** nats://host:port, or several separated by commas. */
  url: string;
  /** Subjects are `<prefix>.<topic>`, streams `<prefix>_<first topic token>`. Default 'slipway'. */
  prefix?: string;
  /** Messages retained per topic (max_msgs_per_subject), oldest dropped first. Default: unbounded. */
  maxLen?: number;
}

const nanosPerMs = 1_000_000;

/** NATS JetStream: a file-backed stream per topic prefix, a durable pull consumer per group and topic. */
export async function createNatsBus(options: NatsBusOptions): Promise<Bus> {
  const prefix = checkName('prefix', options.prefix ?? 'slipway');
  const maxLen = options.maxLen === undefined ? -1 : checkPositiveInt('maxLen', options.maxLen);
  const servers = options.url.split(',').map((server) => server.trim());
  // The client's default gives up after 10 reconnect attempts (~20 s): a broker down longer than that
  // (an upgrade, a host reboot) would leave the server with a closed bus for good. Redis's client
  // retries forever by default; so does this one now.
  const connection = await connect({ servers, maxReconnectAttempts: -1 }).catch((error: unknown) => {
    throw new AppError(ErrorCode.unavailable, `bus: cannot connect to NATS at ${options.url}: ${String(error)}`, { cause: error });
  });
  const js = jetstream(connection);
  const jsm = await jetstreamManager(connection);
  const streams = new Map<string, Promise<void>>();
  const subscriptions = new Set<Subscription>();

  // Once per stream and process; a failure is forgotten so the next call tries again.
  const ensureStream = (topic: string): Promise<void> => {
    const name = natsStreamName(prefix, topic);
    let ready = streams.get(name);
    if (!ready) {
      ready = addStream(jsm, name, natsStreamSubjects(prefix, topic), maxLen);
      ready.catch(() => streams.delete(name));
      streams.set(name, ready);
    }
    return ready;
  };

  const publishChecked = async (topic: string, payloads: readonly Uint8Array[]): Promise<string[]> => {
    checkTopic(topic);
    for (const [i, payload] of payloads.entries()) checkPayload(payload, `publish to ${topic} [${i}]`);
    await ensureStream(topic);
    const subject = natsSubject(prefix, topic);
    // All in flight at once: the acks come back in publish order and one round trip covers the lot.
    const acks = await Promise.all(payloads.map((payload) => js.publish(subject, payload)));
    return acks.map((ack) => String(ack.seq));
  };

  return {
    publish: async (topic, payload) => ({ id: (await publishChecked(topic, [payload]))[0]! }),
    publishBatch: async (topic, payloads) => ({ ids: await publishChecked(topic, payloads) }),
    subscribe: async (topic: string, subscribeOptions: SubscribeOptions, handler: MessageHandler) => {
      const resolved = resolveSubscribeOptions(topic, subscribeOptions);
      await ensureStream(resolved.topic);
      const stream = natsStreamName(prefix, resolved.topic);
      const durableName = await ensureDurable(jsm, stream, natsSubject(prefix, resolved.topic), resolved);
      const durable = await js.consumers.get(stream, durableName);
      const consumer = await startNatsConsumer(connection, durable, resolved, handler);
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
      await connection.drain();
    },
  };
}

async function addStream(jsm: JetStreamManager, name: string, subjects: string[], maxLen: number): Promise<void> {
  try {
    await jsm.streams.info(name);
    return;
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
  }
  await jsm.streams.add({
    name,
    subjects,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_msgs_per_subject: maxLen,
  });
}

/** Creates the group's durable, or brings an existing one's ack_wait to this subscriber's. */
async function ensureDurable(jsm: JetStreamManager, stream: string, subject: string, options: ResolvedSubscribeOptions): Promise<string> {
  const name = natsDurableName(options.group, options.topic);
  const ackWait = options.ackWaitMs * nanosPerMs;
  try {
    const info = await jsm.consumers.info(stream, name);
    if (info.config.ack_wait !== ackWait) await jsm.consumers.update(stream, name, { ack_wait: ackWait });
    return name;
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
  }
  await jsm.consumers.add(stream, {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    ack_wait: ackWait,
    deliver_policy: options.fromStart ? DeliverPolicy.All : DeliverPolicy.New,
    filter_subject: subject,
  });
  return name;
}

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
