import type { SubscribeOptions } from './bus.js';
import { checkName, checkPositiveInt, checkTopic } from './check-names.js';

export const defaultAckWaitMs = 30_000;
export const defaultBatch = 100;
/** Above this a batch is a memory problem in the consumer rather than a throughput win. */
const maxBatch = 10_000;

export interface ResolvedSubscribeOptions {
  topic: string;
  group: string;
  consumer: string;
  fromStart: boolean;
  ackWaitMs: number;
  batch: number;
  onError: (error: unknown) => void;
}

/** Validates a subscribe call (AppError invalid_argument) and fills in the defaults. */
export function resolveSubscribeOptions(topic: string, given: SubscribeOptions): ResolvedSubscribeOptions {
  const options: Partial<SubscribeOptions> = given ?? {};
  return {
    topic: checkTopic(topic),
    group: checkName('group', options.group),
    consumer: checkName('consumer', options.consumer),
    fromStart: options.fromStart ?? false,
    ackWaitMs: checkPositiveInt('ackWaitMs', options.ackWaitMs ?? defaultAckWaitMs),
    batch: checkPositiveInt('batch', options.batch ?? defaultBatch, maxBatch),
    onError: options.onError ?? ((error) => console.error(`bus subscriber ${options.group}/${options.consumer} on ${topic}:`, error)),
  };
}
