import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createGuardedRead } from './create-guarded-read.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

it('answers the read value when it comes in time', async () => {
  const errors: string[] = [];
  const read = createGuardedRead({ read: async () => 7, timeoutMs: 100, initial: 0, onError: (reason) => errors.push(reason) });
  expect(await read()).toBe(7);
  expect(errors).toEqual([]);
});

it('answers the last value and reports a timeout when the read is slow, and uses the late value once it lands', async () => {
  const errors: string[] = [];
  const reads: ReturnType<typeof deferred<number>>[] = [];
  const read = createGuardedRead({
    read: () => {
      const d = deferred<number>();
      reads.push(d);
      return d.promise;
    },
    timeoutMs: 100,
    initial: 0,
    onError: (reason) => errors.push(reason),
  });
  const first = read();
  reads[0]!.resolve(3);
  expect(await first).toBe(3);

  const slow = read();
  await vi.advanceTimersByTimeAsync(100);
  expect(await slow).toBe(3);
  expect(errors).toEqual(['timeout']);

  // The slow read is still in flight: no second query is started for the next scrape.
  const again = read();
  expect(reads).toHaveLength(2);
  reads[1]!.resolve(9);
  expect(await again).toBe(9);
  expect(errors).toEqual(['timeout']);
});

it('answers the last value and reports an error when the read fails', async () => {
  const errors: unknown[] = [];
  let fail = false;
  const read = createGuardedRead({
    read: async () => {
      if (fail) throw new Error('store down');
      return 5;
    },
    timeoutMs: 100,
    initial: 0,
    onError: (reason, error) => errors.push([reason, (error as Error | undefined)?.message]),
  });
  expect(await read()).toBe(5);
  fail = true;
  expect(await read()).toBe(5);
  expect(errors).toEqual([['error', 'store down']]);
});
