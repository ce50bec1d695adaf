import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Bus } from './bus.js';
import { createMemoryBus } from './memory/bus.js';
import { createNatsBus } from './nats/bus.js';
import { createRedisBus } from './redis/bus.js';

export type BusKind = 'memory' | 'redis' | 'nats';

export interface CreateBusOptions {
  /** memory (in-process, the default of `slipway up`), redis (Streams) or nats (JetStream). */
  kind: BusKind;
  /** The broker's URL; required for redis and nats, ignored by memory. */
  url?: string;
  /** Namespace of the broker's keys, subjects and streams, so deployments can share a broker. Default 'slipway'. */
  prefix?: string;
  /** Messages retained per topic, oldest dropped first (approximate on Redis). Default: unbounded. */
  maxLen?: number;
}

/** The configured bus, connected: an unreachable broker fails here (AppError unavailable), not on first use. */
export async function createBus(options: CreateBusOptions): Promise<Bus> {
  const { kind, url, prefix, maxLen } = options;
  if (kind === 'memory') return createMemoryBus({ maxLen });
  if (kind !== 'redis' && kind !== 'nats') {
    throw new AppError(ErrorCode.invalidArgument, `bus kind ${JSON.stringify(kind)} is unknown: use memory, redis or nats`);
  }
  if (!url) {
    throw new AppError(ErrorCode.invalidArgument, `bus kind ${kind} needs a url (e.g. ${kind === 'redis' ? 'redis://127.0.0.1:6379' : 'nats://127.0.0.1:4222'})`);
  }
  return kind === 'redis' ? createRedisBus({ url, prefix, maxLen }) : createNatsBus({ url, prefix, maxLen });
}
