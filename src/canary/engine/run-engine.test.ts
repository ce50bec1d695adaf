import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock/clock.js';
import type { Decision } from './decision.js';
import { createCanaryEngine } from './run-engine.js';
import { policyFromYaml } from './test-support/make-snapshot.js';
import { createPrng } from '../../clock/create-prng.js';
import { makeTraffic } from './test-support/make-traffic.js';

const T0 = 1_700_000_000_000;
const policyWith = (max: number) =>
  policyFromYaml(`name: e
windowSeconds: 5
allowedLatenessSeconds: 0
minSamples: 30
stepDurationSeconds: 10
rules: [{ name: errors, metric: error_rate, compare: { max: ${max} } }]
`);

function setup() {
  const clock = createManualClock(T0);
  const decisions: Decision[] = [];
  const evaluations: Decision[] = [];
  const engine = createCanaryEngine({ clock, onDecision: (d) => decisions.push(d), onEvaluation: (d) => evaluations.push(d) });
  const feed = (fromS: number, toS: number, errorRate: number, rollout = 'r1') => {
    for (const event of makeTraffic({ rollout, track: 'canary', fromMs: T0 + fromS * 1000, toMs: T0 + toS * 1000, requestsPerSecond: 10, errorRate }, createPrng(fromS))) {
      clock.set(event.eventTimeMs);
      engine.ingestEvent(event);
    }
  };
  return { clock, engine, decisions, evaluations, feed };
}

describe('createCanaryEngine', () => {
  it('evaluates once per window advance and tells the controller only what changes its course', () => {
    const { engine, decisions, evaluations, feed } = setup();
    engine.startRollout({ id: 'r1', policy: policyWith(0.5), stepStartedMs: T0, stepCount: 2 });
    feed(0, 30, 0);
    const ends = evaluations.map((d) => d.windowEndMs);
    expect(new Set(ends).size).toBe(ends.length);
    expect(ends[1]! - ends[0]!).toBe(1000);
    // Evaluations while data is short all PAUSE; the controller hears it once. Then two steps promote.
    expect(evaluations.filter((d) => d.action === 'PAUSE').length).toBeGreaterThan(1);
    expect(decisions.map((d) => `${d.action}/${d.step}`)).toEqual(['PAUSE/1', 'PROMOTE/1', 'PROMOTE/2']);
    expect(engine.readRollout('r1')).toMatchObject({ state: 'completed', step: 2 });
  });

  it('keeps a rollout on the policy version it started with; a new default applies to new rollouts', () => {
    const { engine, decisions, feed } = setup();
    const lenient = policyWith(0.9);
    engine.setDefaultPolicy(lenient);
    engine.startRollout({ id: 'r1', stepStartedMs: T0 });
    engine.setDefaultPolicy(policyWith(0.05));
    feed(0, 8, 0.5);
    expect(decisions.every((d) => d.policyVersion === lenient.version && d.action !== 'ROLLBACK')).toBe(true);
    feed(0, 8, 0.5, 'r2');
    expect(decisions.find((d) => d.rolloutId === 'r2' && d.action === 'ROLLBACK')?.policyVersion).toBe(policyWith(0.05).version);
    // Told otherwise: re-pinned, the next window is judged by the new version.
    engine.setRolloutPolicy('r1', policyWith(0.05));
    feed(8, 10, 0.5);
    expect(decisions.at(-1)).toMatchObject({ rolloutId: 'r1', action: 'ROLLBACK', policyVersion: policyWith(0.05).version });
  });

  it('drops events of unknown rollouts when it has no default policy, and stops deciding after a rollback', () => {
    const { engine, decisions, evaluations, feed } = setup();
    feed(0, 3, 0);
    expect(engine.countRejected().unknown_rollout).toBe(30);
    expect(engine.hasRollout('r1')).toBe(false);
    engine.startRollout({ id: 'r1', policy: policyWith(0.05), stepStartedMs: T0 });
    feed(3, 20, 1);
    expect(decisions.map((d) => d.action)).toEqual(['PAUSE', 'ROLLBACK']);
    const after = evaluations.length;
    feed(20, 25, 0);
    expect(evaluations.length).toBe(after);
  });
});
