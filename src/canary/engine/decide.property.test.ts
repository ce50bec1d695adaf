import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DecideInput, decide } from './decide.js';
import type { Decision, DecisionHistory, RolloutState } from './decision.js';
import { makeSnapshot, policyFromYaml } from './test-support/make-snapshot.js';

const T0 = 1_700_000_000_000;

const arbitraryPolicy = fc
  .record({
    minSamples: fc.integer({ min: 0, max: 60 }),
    failures: fc.integer({ min: 1, max: 3 }),
    counting: fc.constantFrom('consecutive', 'cumulative'),
    errorMax: fc.double({ min: 0, max: 1, noNaN: true }),
    factor: fc.double({ min: 0.5, max: 3, noNaN: true }),
    latencyAction: fc.constantFrom('PAUSE', 'ROLLBACK'),
  })
  .map((p) =>
    policyFromYaml(`name: prop
windowSeconds: 10
minSamples: ${p.minSamples}
stepDurationSeconds: 20
rules:
  - { name: errors, metric: error_rate, compare: { max: ${p.errorMax} }, counting: ${p.counting}, failures: ${p.failures} }
  - { name: p99, metric: latency_p99, compare: { maxRatioTo: baseline, factor: ${p.factor} }, action: ${p.latencyAction}, failures: ${p.failures} }
`),
  );

const arbitraryTrack = fc.option(
  fc.record({ requests: fc.integer({ min: 0, max: 120 }), errorShare: fc.double({ min: 0, max: 1, noNaN: true }), latencyMs: fc.double({ min: 0.5, max: 500, noNaN: true }) }),
  { nil: undefined, freq: 8 },
);

/** A run of evaluations, one second apart, each with random canary and baseline windows. */
const arbitraryRun = fc.record({
  policy: arbitraryPolicy,
  state: fc.constantFrom<RolloutState>('progressing', 'paused', 'rolled_back', 'completed'),
  windows: fc.array(fc.record({ canary: arbitraryTrack, baseline: arbitraryTrack, advanceMs: fc.constantFrom(0, 1000, 3000) }), { minLength: 1, maxLength: 12 }),
});

type Run = typeof arbitraryRun extends fc.Arbitrary<infer T> ? T : never;

function buildInputs(run: Run): Omit<DecideInput, 'history'>[] {
  let endMs = T0 + 10_000;
  return run.windows.map((w) => {
    endMs += w.advanceMs;
    const snapshot = (track: string, spec: typeof w.canary) =>
      spec === undefined ? undefined : makeSnapshot({ track, endMs, windowMs: 10_000, requests: spec.requests, errors: Math.round(spec.requests * spec.errorShare), latencyMs: spec.latencyMs });
    return {
      policy: run.policy,
      rollout: { id: 'r1', step: 1, stepStartedMs: T0, state: run.state },
      windows: { endMs, canary: snapshot('canary', w.canary), baseline: snapshot('baseline', w.baseline) },
      nowMs: endMs + 500,
    };
  });
}

function replay(inputs: Omit<DecideInput, 'history'>[]): Decision[] {
  let history: DecisionHistory | undefined;
  return inputs.map((input) => {
    const output = decide({ ...input, history });
    history = output.nextHistory;
    return output.decision;
  });
}

describe('decide (properties)', () => {
  it('is deterministic: the same inputs in the same order give the same decisions', () => {
    fc.assert(
      fc.property(arbitraryRun, (run) => {
        expect(replay(buildInputs(run))).toEqual(replay(buildInputs(run)));
      }),
      { numRuns: 200 },
    );
  });

  it('rolls back only on a rule that FAILed on a window with its minSamples; NO_DATA alone pauses', () => {
    fc.assert(
      fc.property(arbitraryRun, (run) => {
        for (const decision of replay(buildInputs(run))) {
          if (decision.action === 'ROLLBACK') {
            const cause = decision.evidence.filter((e) => e.triggered && e.action === 'ROLLBACK');
            expect(cause.length).toBeGreaterThan(0);
            for (const e of cause) {
              expect(e.verdict).toBe('FAIL');
              expect(e.canarySamples).toBeGreaterThanOrEqual(e.minSamples);
            }
          }
          if (decision.evidence.every((e) => e.verdict === 'NO_DATA')) {
            expect(decision.action).toBe(run.state === 'rolled_back' || run.state === 'completed' ? 'NONE' : 'PAUSE');
          }
          const final = run.state === 'rolled_back' || run.state === 'completed';
          if (final) expect(decision.action).toBe('NONE');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never rolls back while the canary has fewer requests than minSamples, whatever its errors', () => {
    fc.assert(
      fc.property(arbitraryRun, (run) => {
        const starved = buildInputs(run).map((input) => {
          const canary = input.windows.canary;
          if (canary === undefined) return input;
          const requests = Math.min(canary.requestCount, Math.max(0, input.policy.minSamples - 1));
          const small = makeSnapshot({ endMs: input.windows.endMs, windowMs: 10_000, requests, errors: requests, latencyMs: 10_000 });
          return { ...input, windows: { ...input.windows, canary: small } };
        });
        for (const decision of replay(starved)) expect(decision.action).not.toBe('ROLLBACK');
      }),
      { numRuns: 200 },
    );
  });
});
