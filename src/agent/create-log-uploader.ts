/** What the server said about one chunk. */
export type ChunkOutcome =
  /** Acknowledged: the log now holds `length` bytes (the next chunk starts there). */
  | { kind: 'ok'; length: number }
  /** The chunk started past the stored end: resend what is pending from the server's length. */
  | { kind: 'gap'; length: number }
  /** The job is no longer ours (stale lease) or the bytes conflict: sending more cannot help. */
  | { kind: 'refused' }
  /** Network or server trouble: send the same bytes at the same offset again. */
  | { kind: 'retry' };

export interface LogUploaderOptions {
  /** Where this attempt's output starts in the job's log. */
  startOffset: number;
  send(offset: number, data: Buffer): Promise<ChunkOutcome>;
  /**
   * Bytes per request at most. Default 1 MiB (the server's limit): a request carries whatever was
   * written while the previous one was in flight, so a quiet job still sends small chunks at once.
   */
  maxChunkBytes?: number;
  /** First wait after a failed send, doubling up to 2000 ms. Default 100 ms. */
  retryDelayMs?: number;
}

export interface LogUploader {
  write(text: string): void;
  /** Resolves when every written byte is acknowledged, or the server refused the log. */
  drain(): Promise<void>;
  /** Gives up on bytes not yet sent (shutdown). */
  stop(): void;
}

/**
 * Sends a job's output in order, one request at a time, at byte offsets: output written while a
 * request is in flight goes out together in the next one, so a chatty job makes few requests. A
 * failed request is resent at the same offset, which the server's idempotent append acknowledges
 * without storing twice.
 */
export function createLogUploader(options: LogUploaderOptions): LogUploader {
  const maxChunkBytes = options.maxChunkBytes ?? 1024 * 1024;
  const baseDelayMs = options.retryDelayMs ?? 100;
  let offset = options.startOffset;
  // Written but unacknowledged bytes as a queue of pieces: appending to one Buffer copied everything
  // pending on every write, quadratic when output outruns the uploads (a 27 MB log crawled at 3 MB/s).
  const pending = createByteQueue();
  let stopped = false;
  let sending: Promise<void> | undefined;

  const sendAll = async (): Promise<void> => {
    let delayMs = baseDelayMs;
    while (pending.length > 0 && !stopped) {
      const chunk = pending.peek(maxChunkBytes);
      let outcome: ChunkOutcome;
      try {
        outcome = await options.send(offset, chunk);
      } catch {
        outcome = { kind: 'retry' };
      }
      if (outcome.kind === 'ok') {
        const acknowledged = Math.min(chunk.length, Math.max(0, outcome.length - offset));
        pending.drop(acknowledged);
        offset = Math.max(offset + acknowledged, outcome.length);
        delayMs = baseDelayMs;
      } else if (outcome.kind === 'gap') {
        offset = outcome.length;
      } else if (outcome.kind === 'refused') {
        stopped = true;
      } else {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        delayMs = Math.min(delayMs * 2, 2000);
      }
    }
  };
  const kick = (): Promise<void> => {
    sending ??= sendAll().finally(() => {
      sending = undefined;
      if (pending.length > 0 && !stopped) void kick();
    });
    return sending;
  };

  return {
    write: (text) => {
      if (stopped || text === '') return;
      pending.push(Buffer.from(text, 'utf8'));
      void kick();
    },
    drain: async () => {
      while (sending) await sending;
    },
    stop: () => {
      stopped = true;
    },
  };
}

interface ByteQueue {
  readonly length: number;
  push(bytes: Buffer): void;
  /** Up to `max` leading bytes, copied only when they span pieces. */
  peek(max: number): Buffer;
  drop(count: number): void;
}

function createByteQueue(): ByteQueue {
  const pieces: Buffer[] = [];
  let length = 0;
  return {
    get length() {
      return length;
    },
    push(bytes) {
      if (bytes.length === 0) return;
      pieces.push(bytes);
      length += bytes.length;
    },
    peek(max) {
      const first = pieces[0];
      if (!first) return Buffer.alloc(0);
      if (first.length >= max) return first.subarray(0, max);
      // Whole pieces (written lines) up to max, joined once and kept joined: a retry resends the same.
      let size = 0;
      let count = 0;
      while (count < pieces.length && size + pieces[count]!.length <= max) size += pieces[count++]!.length;
      if (count === 1) return first;
      const joined = Buffer.concat(pieces.slice(0, count), size);
      pieces.splice(0, count, joined);
      return joined;
    },
    drop(count) {
      let left = Math.min(count, length);
      length -= left;
      while (left > 0) {
        const first = pieces[0]!;
        if (first.length <= left) {
          pieces.shift();
          left -= first.length;
        } else {
          pieces[0] = first.subarray(left);
          left = 0;
        }
      }
    },
  };
}
