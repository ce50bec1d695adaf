/**
 * The loop of an outbox reader (the notifier, the trace publisher): one tick at start, then a tick
 * `intervalMs` after the previous one ended, never two at once, until stop(). A tick handles its own
 * errors (it logs them): the loop only keeps time.
 */
export interface PollLoop {
  /** Runs the first tick and resolves when it ended; the next is scheduled after it. */
  start(): Promise<void>;
  /** No tick is started after this; resolves once the tick in progress (if any) ended. Idempotent. */
  stop(): Promise<void>;
  /** True once stop() was called: long ticks check it to end early. */
  stopping(): boolean;
}

export function createPollLoop(intervalMs: number, tick: () => Promise<void>): PollLoop {
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let stopping = false;
  let stopped: Promise<void> | undefined;

  const run = () => {
    ticking = tick().finally(schedule);
    return ticking;
  };
  const schedule = () => {
    if (stopping) return;
    timer = setTimeout(run, intervalMs);
  };

  return {
    start: () => run(),
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        clearTimeout(timer);
        await ticking;
        // The tick that was running may have scheduled the next one as it ended.
        clearTimeout(timer);
      })();
      return stopped;
    },
    stopping: () => stopping,
  };
}
