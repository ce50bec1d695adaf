import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock/clock.js';
import { RolloutWindows } from './rollout-windows.js';
import type { TelemetryEvent } from './telemetry-event.js';

const T0 = 1_700_000_000_000;
const WINDOW_SECONDS = 5;
const LATENESS_SECONDS = 2;
const FUTURE_SKEW_SECONDS = 10;
const RELATIVE_ACCURACY = 0.02;

/** Arrival order is random, event times spread over ~20 s, some events invalid or far ahead. */
const arbitraryEvent = fc.record({
  offsetMs: fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 0, max: 20_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 90_000 }) }),
  // DDSketch keeps values below ~1e-308 as zero; latencies under a microsecond are not realistic.
  latencyMs: fc.oneof(
    { weight: 20, arbitrary: fc.double({ min: 0.001, max: 100_000, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -1, Number.NaN) },
  ),
  isError: fc.boolean(),
  track: fc.constantFrom('canary', 'baseline'),
});

/** The rules restated over the whole history, as independently of the implementation as possible. */
function recomputeNaively(events: TelemetryEvent[], nowMs: number, track: string) {
  const accepted: TelemetryEvent[] = [];
  let maxTimeMs = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    const valid = event.latencyMs >= 0 && event.eventTimeMs <= nowMs + FUTURE_SKEW_SECONDS * 1000;
    if (!valid || event.eventTimeMs < maxTimeMs - LATENESS_SECONDS * 1000) continue;
    accepted.push(event);
    maxTimeMs = Math.max(maxTimeMs, event.eventTimeMs);
  }
  const endMs = Math.floor((maxTimeMs - LATENESS_SECONDS * 1000) / 1000) * 1000;
  const inWindow = accepted.filter((e) => e.track === track && e.eventTimeMs >= endMs - WINDOW_SECONDS * 1000 && e.eventTimeMs < endMs);
  return { inWindow, errors: inWindow.filter((e) => e.isError).length };
}

describe('RolloutWindows (properties)', () => {
  it('agrees with a naive recomputation, and merged sketches stay within their relative accuracy', () => {
    fc.assert(
      fc.property(fc.array(arbitraryEvent, { minLength: 1, maxLength: 300 }), fc.constantFrom(0, 0.5, 0.9, 0.99, 1), (raw, quantile) => {
        const clock = createManualClock(T0 + 30_000);
        const windows = new RolloutWindows('r1', clock, {
          windowSeconds: WINDOW_SECONDS,
          allowedLatenessSeconds: LATENESS_SECONDS,
          maxFutureSkewSeconds: FUTURE_SKEW_SECONDS,
          relativeAccuracy: RELATIVE_ACCURACY,
        });
        const events = raw.map((e) => ({ rollout: 'r1', track: e.track, eventTimeMs: T0 + e.offsetMs, latencyMs: e.latencyMs, isError: e.isError }));
        for (const event of events) windows.ingestEvent(event);
        for (const track of ['canary', 'baseline']) {
          const window = windows.readWindow(track);
          const naive = recomputeNaively(events, clock.now(), track);
          if (window === undefined) {
            expect(naive.inWindow).toHaveLength(0);
            continue;
          }
          expect(window.requestCount).toBe(naive.inWindow.length);
          expect(window.errorCount).toBe(naive.errors);
          if (naive.inWindow.length === 0) continue;
          // DDSketch answers the value at rank floor(q * (n - 1)), within its relative accuracy.
          const sorted = naive.inWindow.map((e) => e.latencyMs).sort((a, b) => a - b);
          const exact = sorted[Math.floor(quantile * (sorted.length - 1))]!;
          const estimated = window.latencyMs.getValueAtQuantile(quantile);
          expect(Math.abs(estimated - exact)).toBeLessThanOrEqual(RELATIVE_ACCURACY * exact + 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });
});
