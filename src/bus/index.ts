/**
 * bus/ — ordered, retained messages between processes: telemetry ingestion (`telemetry.raw`, high volume,
 * read in batches) and canary decisions (`decisions`). One Bus interface; adapters: memory (in-process,
 * the embedded default), Redis Streams, NATS JetStream. All pass bus.contract.test.ts.
 *
 * Glossary
 * - topic: a named, ordered log of messages (`telemetry.raw`): dot-separated tokens of [A-Za-z0-9_-].
 *   A Redis stream `<prefix>:<topic>`; a NATS subject `<prefix>.<topic>` in the stream of its first token.
 * - message: one published payload (bytes) with an id, unique within its topic and increasing in
 *   publish order. Retained after it is read, until trimmed (maxLen).
 * - consumer group: a named reader of a topic that sees every message once (at least once: see
 *   redelivery). Two groups each see every message; the group remembers where it is across restarts.
 * - consumer: one subscriber within a group. The group's messages are split between its live consumers;
 *   order is kept within a batch, not across consumers.
 * - ack: a consumer's "done" for one message; sent once its handler call settles.
 * - pending: delivered to a consumer and not yet acked; owned by that consumer.
 * - redelivery: a message pending longer than ackWaitMs is delivered again, to any consumer of the
 *   group (the owner is presumed dead), with deliveryCount one higher. So handlers must be idempotent.
 */
export type { Bus, BusMessage, MessageHandler, SubscribeOptions, Subscription } from './bus.js';
export { type BusKind, type CreateBusOptions, createBus } from './create-bus.js';
export { type MemoryBusOptions, createMemoryBus } from './memory/bus.js';
export { type RedisBusOptions, createRedisBus } from './redis/bus.js';
export { type NatsBusOptions, createNatsBus } from './nats/bus.js';
export { checkTopic } from './check-names.js';
export { defaultAckWaitMs, defaultBatch } from './subscribe-options.js';
