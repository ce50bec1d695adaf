import { expect, it } from 'vitest';
import type { CanaryDecisionSummary, CanaryLink } from './canary-link.js';
import { runCanaryAnalysis } from './run-canary-analysis.js';

/** A link replaying a fixed list of decisions, then waiting until aborted, as a quiet engine does. */
function scriptedLink(decisions: CanaryDecisionSummary[]): CanaryLink & { entered: unknown[] } {
  const entered: unknown[] = [];
  return {
    entered,
    registerRollout: async () => {},
    enterStep: async (input) => {
      entered.push(input);
      return { afterSequence: 10 };
    },
    nextDecision: ({ afterSequence, signal }) => {
      const next = decisions.find((d) => d.sequence > afterSequence);
      if (next) return Promise.resolve(next);
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true }));
    },
    endRollout: () => {},
  };
}

const base = { rolloutId: 'deployment-1', step: 2, stepCount: 3, now: () => 5_000 };

it('PAUSE keeps the step waiting; the PROMOTE after it passes the step', async () => {
  const link = scriptedLink([
    { sequence: 11, step: 2, action: 'PAUSE', reasons: ['not enough data'] },
    { sequence: 12, step: 2, action: 'PROMOTE', reasons: ['every rule passed for 2s'] },
  ]);
  const result = await runCanaryAnalysis({ ...base, link, spec: {}, signal: new AbortController().signal });
  expect(result).toEqual({ passed: true, reason: 'canary engine decision 12 PROMOTE: every rule passed for 2s' });
  expect(link.entered).toEqual([{ rolloutId: 'deployment-1', step: 2, stepStartedMs: 5_000, stepCount: 3 }]);
});

it('ROLLBACK fails the step with the decision and its reasons', async () => {
  const link = scriptedLink([{ sequence: 11, step: 2, action: 'ROLLBACK', reasons: ['error-rate: 0.5 > 0.05'] }]);
  expect(await runCanaryAnalysis({ ...base, link, spec: {}, signal: new AbortController().signal })).toEqual({
    passed: false,
    reason: 'canary engine decision 11 ROLLBACK: error-rate: 0.5 > 0.05',
  });
});

it('only PAUSEs until timeoutSeconds: the step fails, naming the last PAUSE', async () => {
  const link = scriptedLink([{ sequence: 11, step: 2, action: 'PAUSE', reasons: ['not enough data for error-rate'] }]);
  const started = Date.now();
  const result = await runCanaryAnalysis({ ...base, link, spec: { timeoutSeconds: 1 }, signal: new AbortController().signal });
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  expect(result).toEqual({
    passed: false,
    reason: 'no PROMOTE from the canary engine within timeoutSeconds (1); the last decision was 11 PAUSE: not enough data for error-rate',
  });
});

it('an invalid step spec is refused before the engine is touched', async () => {
  const link = scriptedLink([]);
  await expect(runCanaryAnalysis({ ...base, link, spec: { timeoutSeconds: 'soon' }, signal: new AbortController().signal })).rejects.toThrow(/invalid analysis step: timeoutSeconds/);
  expect(link.entered).toEqual([]);
});
