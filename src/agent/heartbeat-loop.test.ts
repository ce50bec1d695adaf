import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { type BeatOutcome, startHeartbeatLoop } from './heartbeat-loop.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Beats answered by `outcomes` in turn (the last one repeats); returns the fake times they were sent at. */
function beatsAnswering(outcomes: Array<BeatOutcome | 'throw'>) {
  const sentAt: number[] = [];
  const beat = async (): Promise<BeatOutcome> => {
    sentAt.push(Date.now());
    const outcome = outcomes[Math.min(sentAt.length - 1, outcomes.length - 1)]!;
    if (outcome === 'throw') throw new Error('ECONNREFUSED');
    return outcome;
  };
  return { beat, sentAt };
}

it('beats every interval while the server answers', async () => {
  const start = Date.now();
  const { beat, sentAt } = beatsAnswering(['answered']);
  const loop = startHeartbeatLoop({ beat, intervalMs: 1000, retryMs: 100 });
  await vi.advanceTimersByTimeAsync(3500);
  loop.stop();
  expect(sentAt.map((t) => t - start)).toEqual([1000, 2000, 3000]);
});

it('retries a missed beat sooner, doubling up to the interval, and goes back to the interval once answered', async () => {
  const start = Date.now();
  const { beat, sentAt } = beatsAnswering(['missed', 'throw', 'missed', 'missed', 'missed', 'answered']);
  const loop = startHeartbeatLoop({ beat, intervalMs: 1000, retryMs: 100 });
  await vi.advanceTimersByTimeAsync(4000);
  loop.stop();
  // 1000 missed → +100, throw → +200, missed → +400, missed → +800, missed → +1000 (capped), answered → +1000.
  expect(sentAt.map((t) => t - start)).toEqual([1000, 1100, 1300, 1700, 2500, 3500]);
});

it('starts the retries from retryMs again after an answered beat', async () => {
  const start = Date.now();
  const { beat, sentAt } = beatsAnswering(['missed', 'answered', 'missed', 'answered']);
  const loop = startHeartbeatLoop({ beat, intervalMs: 1000, retryMs: 100 });
  await vi.advanceTimersByTimeAsync(2300);
  loop.stop();
  expect(sentAt.map((t) => t - start)).toEqual([1000, 1100, 2100, 2200]);
});

it('sends nothing after stop, even when a beat was in flight', async () => {
  let release: (outcome: BeatOutcome) => void = () => {};
  let sent = 0;
  const loop = startHeartbeatLoop({
    beat: () => {
      sent += 1;
      return new Promise<BeatOutcome>((resolve) => (release = resolve));
    },
    intervalMs: 1000,
    retryMs: 100,
  });
  await vi.advanceTimersByTimeAsync(1000);
  expect(sent).toBe(1);
  loop.stop();
  release('missed');
  await vi.advanceTimersByTimeAsync(5000);
  expect(sent).toBe(1);
});
