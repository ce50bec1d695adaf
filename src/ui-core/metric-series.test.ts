import { describe, expect, it } from 'vitest';
import { metricSeries } from './metric-series.js';

const decision = (sequence: number, windowEndMs: number, rules: unknown[]) => ({ sequence, createdAtMs: windowEndMs + 5, evidence: { windowEndMs, rules } });

describe('metricSeries', () => {
  it('collects canary and baseline values of one metric in window order', () => {
    const decisions = [
      decision(2, 2000, [
        { metric: 'error_rate', canaryValue: 0.06, threshold: 0.05 },
        { metric: 'latency_p99', canaryValue: 120, referenceValue: 100, threshold: 120 },
      ]),
      decision(1, 1000, [{ metric: 'latency_p99', canaryValue: 90, referenceValue: 95 }]),
      decision(3, 3000, [{ metric: 'latency_p99', verdict: 'NO_DATA' }]),
    ];
    expect(metricSeries(decisions, 'latency_p99')).toEqual({
      canary: [{ x: 1000, y: 90 }, { x: 2000, y: 120 }],
      baseline: [{ x: 1000, y: 95 }, { x: 2000, y: 100 }],
      threshold: [{ x: 2000, y: 120 }],
    });
    expect(metricSeries(decisions, 'error_rate')).toEqual({ canary: [{ x: 2000, y: 0.06 }], baseline: [], threshold: [{ x: 2000, y: 0.05 }] });
  });

  it('takes canary, baseline and limit from different rules on the same metric', () => {
    const decisions = [decision(1, 1000, [{ metric: 'error_rate', canaryValue: 0.2, threshold: 0.1 }, { metric: 'error_rate', canaryValue: 0.2, referenceValue: 0.01 }])];
    expect(metricSeries(decisions, 'error_rate')).toEqual({ canary: [{ x: 1000, y: 0.2 }], baseline: [{ x: 1000, y: 0.01 }], threshold: [{ x: 1000, y: 0.1 }] });
  });

  it('falls back to the decision time when the evidence has no window', () => {
    expect(metricSeries([{ sequence: 1, createdAtMs: 7, evidence: { rules: [{ metric: 'm', canaryValue: 1 }] } }], 'm').canary).toEqual([{ x: 7, y: 1 }]);
  });
});
