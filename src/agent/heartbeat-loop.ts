/**
 * A job's heartbeats: one every `intervalMs` while they are answered, and sooner after one that was
 * not (the server unreachable, or answering 5xx during a database outage): the next try comes after
 * `retryMs`, doubling up to `intervalMs`. With a fixed interval a missed heartbeat waited a whole
 * interval (lease/3), so two outages close together could let the lease lapse although the server
 * was back in between.
 */
export type BeatOutcome = 'answered' | 'missed';

export interface HeartbeatLoopOptions {
  /** Sends one heartbeat; `missed` when it got no usable answer. A rejection counts as missed. */
  beat: () => Promise<BeatOutcome>;
  intervalMs: number;
  /** First retry after a miss; doubled per further miss, never beyond intervalMs. */
  retryMs: number;
  setTimer?: (run: () => void, ms: number) => NodeJS.Timeout;
  clearTimer?: (timer: NodeJS.Timeout) => void;
}

export interface HeartbeatLoop {
  /** No heartbeat is sent after this; one in flight still settles. */
  stop(): void;
}

export function startHeartbeatLoop(options: HeartbeatLoopOptions): HeartbeatLoop {
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let nextRetryMs = options.retryMs;

  const schedule = (ms: number) => {
    if (!stopped) timer = setTimer(tick, ms);
  };
  function tick(): void {
    timer = undefined;
    options
      .beat()
      .catch((): BeatOutcome => 'missed')
      .then((outcome) => {
        if (outcome === 'answered') {
          nextRetryMs = options.retryMs;
          schedule(options.intervalMs);
          return;
        }
        schedule(Math.min(nextRetryMs, options.intervalMs));
        nextRetryMs = Math.min(nextRetryMs * 2, options.intervalMs);
      });
  }
  schedule(options.intervalMs);
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
    },
  };
}
