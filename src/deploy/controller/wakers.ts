/**
 * Lets a deployment's loop sleep until something it cares about changes — a replica event, a signal,
 * an analysis result — or a time passes. A wake that arrives while the loop is busy is kept, so the
 * next sleep returns at once: no change is ever slept through.
 */
export interface Wakers {
  /** Resolves after ms, or as soon as wake(id) or wakeAll() is called (or was, since the last sleep). */
  sleep(id: number, ms: number): Promise<void>;
  wake(id: number): void;
  wakeAll(): void;
  /** The deployment's loop ended: drop what is kept for it. */
  forget(id: number): void;
}

export function createWakers(): Wakers {
  const sleepers = new Map<number, () => void>();
  const pending = new Set<number>();
  const known = new Set<number>();
  const wake = (id: number) => {
    const resume = sleepers.get(id);
    if (resume) resume();
    else pending.add(id);
  };
  return {
    sleep: (id, ms) => {
      known.add(id);
      if (pending.delete(id) || ms <= 0) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sleepers.delete(id);
          resolve();
        };
        const timer = setTimeout(done, ms);
        sleepers.set(id, done);
      });
    },
    wake,
    wakeAll: () => {
      for (const id of [...known]) wake(id);
    },
    forget: (id) => {
      known.delete(id);
      pending.delete(id);
    },
  };
}
