import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  /** Fetch again now (after an action), without waiting for the next tick. */
  reload(): void;
}

/**
 * Keeps `load`'s answer fresh: calls it at once and then every `intervalMs` after the previous call
 * settled (never two at a time), while the page is mounted. Live without reloading the page. A
 * failed call keeps the last good data and shows the error until a call succeeds again.
 */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], intervalMs = 1000): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const wake = useRef<() => void>(() => {});
  // biome-ignore lint/correctness/useExhaustiveDependencies: `deps` are the caller's inputs to `load`; a new closure each render must not restart polling
  const stableLoad = useCallback(load, deps);

  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    setData(undefined);
    setError(undefined);
    const tick = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      clearTimeout(timer);
      try {
        const value = await stableLoad(abort.signal);
        if (abort.signal.aborted) return;
        setData(value);
        setError(undefined);
      } catch (caught) {
        if (abort.signal.aborted) return;
        setError(caught instanceof Error ? caught : new Error(String(caught)));
      } finally {
        running = false;
      }
      if (again) {
        again = false;
        void tick();
      } else {
        timer = setTimeout(() => void tick(), intervalMs);
      }
    };
    wake.current = () => void tick();
    void tick();
    return () => {
      abort.abort();
      clearTimeout(timer);
      wake.current = () => {};
    };
  }, [stableLoad, intervalMs]);

  return { data, error, reload: useCallback(() => wake.current(), []) };
}
