import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createPollLoop } from './poll-loop.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

it('ticks at start, then intervalMs after each tick ended, one at a time', async () => {
  const start = Date.now();
  const ticks: Array<[number, number]> = [];
  const loop = createPollLoop(100, async () => {
    const began = Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 30));
    ticks.push([began, Date.now() - start]);
  });
  const first = loop.start();
  await vi.advanceTimersByTimeAsync(30);
  await first;
  await vi.advanceTimersByTimeAsync(300);
  await loop.stop();
  // 0–30, then 130–160, 260–290: each 100 ms after the previous ended.
  expect(ticks).toEqual([
    [0, 30],
    [130, 160],
    [260, 290],
  ]);
});

it('stop() waits for the tick in progress and starts no other', async () => {
  let ticks = 0;
  let release: () => void = () => {};
  const loop = createPollLoop(10, () => {
    ticks += 1;
    return new Promise<void>((resolve) => (release = resolve));
  });
  void loop.start();
  let stopped = false;
  const stopping = loop.stop().then(() => (stopped = true));
  expect(loop.stopping()).toBe(true);
  await vi.advanceTimersByTimeAsync(50);
  expect(stopped).toBe(false);
  release();
  await stopping;
  await vi.advanceTimersByTimeAsync(100);
  expect(ticks).toBe(1);
  expect(loop.stop()).toBe(loop.stop());
});
