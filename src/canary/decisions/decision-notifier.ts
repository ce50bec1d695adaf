/** That a decision was committed: enough for a watcher to decide whether to re-read the store. */
export interface DecisionNotice {
  sequence: number;
  rolloutId: string;
  service: string;
}

export interface DecisionFilter {
  service?: string;
  rolloutId?: string;
}

/** One watcher's doorbell. Rings rung while nobody waited are kept (as one), so none is lost. */
export interface DecisionWakeup {
  /** Resolves at the next matching notice (at once if one came since the last wait), after timeoutMs, or on abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

/**
 * In-process fan-out of "a decision was committed" to watchers. Notices are hints, not data: a watcher
 * re-reads the store after its own cursor, so a notice that is lost, duplicated or out of order costs
 * at most one query, never a decision. Fed by recordAndPublishDecision in this process and by
 * relayDecisionsFromBus for decisions written by other replicas.
 */
export interface DecisionNotifier {
  notify(notice: DecisionNotice): void;
  listen(filter?: DecisionFilter): DecisionWakeup;
}

export function createDecisionNotifier(): DecisionNotifier {
  const listeners = new Set<{ filter: DecisionFilter; ring(): void }>();
  return {
    notify: (notice) => {
      for (const listener of listeners) {
        const { service, rolloutId } = listener.filter;
        if (service !== undefined && service !== notice.service) continue;
        if (rolloutId !== undefined && rolloutId !== notice.rolloutId) continue;
        listener.ring();
      }
    },
    listen: (filter = {}) => {
      let rung = false;
      let wake: (() => void) | undefined;
      const listener = {
        filter,
        ring: () => {
          rung = true;
          wake?.();
        },
      };
      listeners.add(listener);
      return {
        wait: (timeoutMs, signal) => {
          if (rung || signal?.aborted) {
            rung = false;
            return Promise.resolve();
          }
          return new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              signal?.removeEventListener('abort', done);
              wake = undefined;
              rung = false;
              resolve();
            };
            const timer = setTimeout(done, timeoutMs);
            signal?.addEventListener('abort', done, { once: true });
            wake = done;
          });
        },
        close: () => {
          listeners.delete(listener);
          wake?.();
        },
      };
    },
  };
}
