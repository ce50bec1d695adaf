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
  /** Bytes per request. Default 256 KiB. */
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
  const maxChunkBytes = options.maxChunkBytes ?? 256 * 1024;
  const baseDelayMs = options.retryDelayMs ?? 100;
  let offset = options.startOffset;
  let pending = Buffer.alloc(0);
  let stopped = false;
  let sending: Promise<void> | undefined;

  const sendAll = async (): Promise<void> => {
    let delayMs = baseDelayMs;
    while (pending.length > 0 && !stopped) {
      const chunk = pending.subarray(0, maxChunkBytes);
      let outcome: ChunkOutcome;
      try {
        outcome = await options.send(offset, chunk);
      } catch {
        outcome = { kind: 'retry' };
      }
      if (outcome.kind === 'ok') {
        const acknowledged = Math.min(chunk.length, Math.max(0, outcome.length - offset));
        pending = pending.subarray(acknowledged);
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
      pending = Buffer.concat([pending, Buffer.from(text, 'utf8')]);
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
