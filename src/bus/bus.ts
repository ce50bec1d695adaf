/** A message as a handler receives it: one delivery of one published payload to one consumer. */
export interface BusMessage {
  /** Unique within the topic and increasing in publish order; the id publish returned. */
  readonly id: string;
  readonly topic: string;
  /** The published bytes. Shared with other handlers of the same delivery: treat as read-only. */
  readonly payload: Uint8Array;
  /** 1 on the first delivery to the group, then one more for each redelivery. */
  readonly deliveryCount: number;
  /**
   * Marks the message done for the group. Acks are sent together once the handler settles (one round
   * trip per batch), so a consumer that dies mid-batch has acked nothing of what it had not finished.
   */
  ack(): void;
}

/** Receives up to `batch` messages of one topic at a time, in order. A rejection is reported to onError. */
export type MessageHandler = (messages: readonly BusMessage[]) => Promise<void> | void;

export interface SubscribeOptions {
  /** The consumer group: every group receives every message once, at least once with acks. */
  group: string;
  /** This subscriber's name, unique within the group; it owns the messages it was delivered until it acks them. */
  consumer: string;
  /**
   * Where a group that does not exist yet starts: the oldest retained message (true) or the next one
   * published (false, the default). An existing group resumes where it left off either way.
   */
  fromStart?: boolean;
  /**
   * A delivered message not acked within this many milliseconds is delivered again, to any consumer of
   * the group: the first is then presumed dead. Default 30_000. Longer than the slowest batch, or
   * healthy consumers get duplicates.
   */
  ackWaitMs?: number;
  /** Most messages handed to one handler call. Default 100. */
  batch?: number;
  /** Handler rejections and broker errors while subscribed; the subscription keeps going. Default: console.error. */
  onError?: (error: unknown) => void;
}

export interface Subscription {
  /**
   * Stops delivery: no handler call starts after close() is called. Resolves once the running handler
   * call, if any, has settled and its acks are sent. Unacked messages go to the group's other consumers
   * after ackWaitMs. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Topics of ordered, retained messages, read by consumer groups with at-least-once delivery. Every
 * implementation (memory, Redis Streams, NATS JetStream) passes bus.contract.test.ts.
 */
export interface Bus {
  /** Resolves once the broker has stored the message. */
  publish(topic: string, payload: Uint8Array): Promise<{ id: string }>;
  /** Publishes in order, pipelined: one round trip for the lot where the broker allows it. */
  publishBatch(topic: string, payloads: readonly Uint8Array[]): Promise<{ ids: string[] }>;
  /**
   * Joins (creating if needed) the consumer group of the topic. Resolves once the group exists, so a
   * message published after that is delivered to it; rejects with AppError on invalid names or options.
   */
  subscribe(topic: string, options: SubscribeOptions, handler: MessageHandler): Promise<Subscription>;
  /** Closes every subscription, then the connection. */
  close(): Promise<void>;
}
