import type { Db } from '../store/db.js';
import { defaultReadChunkBytes } from './log-limits.js';
import { readLog } from './read-log.js';

export type LogEvent =
  /** Bytes of the stored log at [offset, offset + data.length); each byte is delivered once, in order. */
  | { type: 'chunk'; offset: number; data: Buffer }
  /** The log is finished and every byte was delivered; length is where it ends. */
  | { type: 'end'; length: number };

/** Called one event at a time: the next event waits until the returned promise settles. */
export type LogListener = (event: LogEvent) => void | Promise<void>;

export interface LogSubscription {
  /** Resolves after the end event or unsubscribe; rejects when a store read or the listener fails. */
  readonly done: Promise<void>;
  /** Times this subscriber fell behind by more than maxBufferedBytes and went back to the store. */
  readonly fallbacks: number;
  unsubscribe(): void;
}

export interface LogHub {
  /** Hands bytes that were just committed to the store (AppendResult.appended) to live subscribers. */
  publish(jobId: number, offset: number, data: Buffer): void;
  /** The job's log was finished (after finishLog): subscribers drain the store, then get an end event. */
  close(jobId: number): void;
  /** Delivers the log from fromOffset: scrollback from the store, then live bytes, with no gap or repeat. */
  subscribe(jobId: number, fromOffset: number, listener: LogListener): LogSubscription;
}

export interface LogHubOptions {
  db: Db;
  /** Live bytes held for one subscriber that is busy; past it they are dropped and re-read. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Bytes per store read while catching up. Default 256 KiB. */
  readChunkBytes?: number;
}

/**
 * In-process live fan-out of job logs. Publishing never waits: each subscriber has its own queue and
 * delivery loop. The store is the source of truth — a subscriber whose queue overflows, or that
 * subscribes late, reads the missing bytes from it at its own offset — so memory stays bounded and no
 * byte is lost. Only appends made in this process are published; with several server replicas a
 * subscriber sees other replicas' bytes only when it re-reads the store (at close, or after a gap).
 */
export function createLogHub(options: LogHubOptions): LogHub {
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const readChunkBytes = options.readChunkBytes ?? defaultReadChunkBytes;
  const subscribersByJob = new Map<number, Set<Subscriber>>();

  const forEachSubscriber = (jobId: number, fn: (s: Subscriber) => void) => {
    for (const subscriber of subscribersByJob.get(jobId) ?? []) fn(subscriber);
  };

  return {
    publish: (jobId, offset, data) => forEachSubscriber(jobId, (s) => s.push(offset, data)),
    close: (jobId) => forEachSubscriber(jobId, (s) => s.close()),
    subscribe: (jobId, fromOffset, listener) => {
      const set = subscribersByJob.get(jobId) ?? new Set<Subscriber>();
      subscribersByJob.set(jobId, set);
      const subscriber = createSubscriber({
        read: (from) => readLog(options.db, { jobId, fromOffset: from, maxBytes: readChunkBytes }),
        fromOffset,
        listener,
        maxBufferedBytes,
        onStop: () => {
          set.delete(subscriber);
          if (set.size === 0 && subscribersByJob.get(jobId) === set) subscribersByJob.delete(jobId);
        },
      });
      // Registered before its first store read, so a byte committed meanwhile is read or queued (or both).
      set.add(subscriber);
      return subscriber.subscription;
    },
  };
}

interface Subscriber {
  push(offset: number, data: Buffer): void;
  close(): void;
  subscription: LogSubscription;
}

interface SubscriberOptions {
  read: (fromOffset: number) => Promise<{ data: Buffer; nextOffset: number; complete: boolean }>;
  fromOffset: number;
  listener: LogListener;
  maxBufferedBytes: number;
  onStop: () => void;
}

function createSubscriber(options: SubscriberOptions): Subscriber {
  let offset = options.fromOffset;
  const queue: { offset: number; data: Buffer }[] = [];
  let queuedBytes = 0;
  // The store may hold bytes this subscriber has not seen: at the start, after an overflow, at close.
  let storeAhead = true;
  // Bumped whenever storeAhead is set: a store read that started before the bump may have missed
  // what caused it (its snapshot predates the append or the close), so it cannot clear the flag or end.
  let storeMarks = 0;
  const markStoreAhead = () => {
    storeAhead = true;
    storeMarks++;
  };
  let closed = false;
  let stopped = false;
  let fallbacks = 0;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };

  const deliverFromQueue = async (): Promise<boolean> => {
    while (queue.length > 0 && queue[0]!.offset + queue[0]!.data.length <= offset) {
      queuedBytes -= queue.shift()!.data.length;
    }
    const first = queue[0];
    if (!first || first.offset > offset) return false;
    queue.shift();
    queuedBytes -= first.data.length;
    const data = first.data.subarray(offset - first.offset);
    const at = offset;
    offset += data.length;
    await options.listener({ type: 'chunk', offset: at, data });
    return true;
  };

  const run = async (): Promise<void> => {
    while (!stopped) {
      if (await deliverFromQueue()) continue;
      if (storeAhead) {
        const marksBefore = storeMarks;
        const closedBefore = closed;
        const slice = await options.read(offset);
        if (stopped) return;
        if (slice.data.length > 0) {
          const at = offset;
          offset = slice.nextOffset;
          await options.listener({ type: 'chunk', offset: at, data: slice.data });
          continue;
        }
        // Closed before this read began: the read saw everything finishLog committed.
        if (slice.complete || closedBefore) {
          stopped = true;
          await options.listener({ type: 'end', length: offset });
          return;
        }
        if (storeMarks === marksBefore) storeAhead = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };

  const stop = () => {
    if (stopped) return;
    stopped = true;
    queue.length = 0;
    signal();
  };
  const done = run().finally(() => {
    stopped = true;
    queue.length = 0;
    options.onStop();
  });
  // Handled here so an unawaited failure is not an unhandled rejection; awaiting `done` still sees it.
  done.catch(() => {});

  return {
    push: (at, data) => {
      if (stopped || at + data.length <= offset) return;
      const last = queue.at(-1);
      if (last && at !== last.offset + last.data.length) {
        // Published out of order (concurrent appends finish in any order): the store has every byte.
        queue.length = 0;
        queuedBytes = 0;
        markStoreAhead();
      } else {
        // Starting past `offset`: the bytes in between were committed before, so the store has them.
        if (!last && at > offset) markStoreAhead();
        queue.push({ offset: at, data });
        queuedBytes += data.length;
        if (queuedBytes > options.maxBufferedBytes) {
          queue.length = 0;
          queuedBytes = 0;
          markStoreAhead();
          fallbacks++;
        }
      }
      signal();
    },
    close: () => {
      closed = true;
      markStoreAhead();
      signal();
    },
    subscription: {
      done,
      get fallbacks() {
        return fallbacks;
      },
      unsubscribe: stop,
    },
  };
}
