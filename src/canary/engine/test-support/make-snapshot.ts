import { DDSketch } from '@datadog/sketches-js';
import { parsePolicy } from '../../policy/parse-policy.js';
import type { Policy } from '../../policy/policy-model.js';
import { createRejectCounts } from '../../windows/reject-reason.js';
import type { WindowSnapshot } from '../../windows/window-snapshot.js';

/** A policy from YAML text; a test with an invalid one fails loudly here. */
export function policyFromYaml(text: string): Policy {
  const parsed = parsePolicy(text, 'test-policy.yml');
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`).join('\n'));
  return parsed.policy;
}

export interface SnapshotSpec {
  rollout?: string;
  track?: string;
  endMs: number;
  windowMs: number;
  requests: number;
  errors?: number;
  /** Every request gets this latency. */
  latencyMs?: number;
}

/** A window as RolloutWindows would give it, without buckets (the rank test is tested on real windows). */
export function makeSnapshot(spec: SnapshotSpec): WindowSnapshot {
  const latencyMs = new DDSketch({ relativeAccuracy: 0.01 });
  for (let i = 0; i < spec.requests; i++) latencyMs.accept(spec.latencyMs ?? 20);
  return {
    rollout: spec.rollout ?? 'r1',
    track: spec.track ?? 'canary',
    startMs: spec.endMs - spec.windowMs,
    endMs: spec.endMs,
    requestCount: spec.requests,
    errorCount: spec.errors ?? 0,
    latencyMs,
    metricSums: {},
    buckets: [],
    rejected: createRejectCounts(),
  };
}
