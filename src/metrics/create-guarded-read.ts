export interface GuardedReadOptions<T> {
  read: () => Promise<T>;
  /** Longest a scrape waits for the read before exporting the last value. */
  timeoutMs: number;
  /** Exported until a read first succeeds. */
  initial: T;
  /** A read failed or timed out (`reason`); the scrape goes on with the last value. */
  onError: (reason: 'timeout' | 'error', error?: unknown) => void;
}

/**
 * A scrape-time read that never hangs the scrape: past `timeoutMs` it answers the last value it got.
 * At most one read is in flight: a scrape during a slow read waits on that same read rather than
 * starting another, so a struggling store gets no pile of metrics queries on top of its load; the
 * slow read still updates the last value when it finally lands.
 */
export function createGuardedRead<T>(options: GuardedReadOptions<T>): () => Promise<T> {
  let last = options.initial;
  let inFlight: Promise<void> | undefined;

  const start = (): Promise<void> => {
    inFlight ??= options.read().then(
      (value) => {
        last = value;
        inFlight = undefined;
      },
      (error: unknown) => {
        inFlight = undefined;
        options.onError('error', error);
      },
    );
    return inFlight;
  };

  return async () => {
    const pending = start();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    });
    try {
      if ((await Promise.race([pending, timedOut])) === 'timeout') options.onError('timeout');
    } finally {
      clearTimeout(timer);
    }
    return last;
  };
}
