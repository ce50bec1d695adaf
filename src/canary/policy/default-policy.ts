import { parsePolicy } from './parse-policy.js';
import type { Policy } from './policy-model.js';

/**
 * The seed behaviour, written as a policy file so it reads like what users write: a high error rate
 * rolls back at once; a slow canary (p99 above 1.2 × baseline) pauses; all rules passing for the
 * step's duration promotes. Error rate is absolute because a healthy baseline's rate is often 0,
 * against which any ratio would fail on the first error.
 */
export const DEFAULT_POLICY_YAML = `apiVersion: slipway/v1
name: default
windowSeconds: 60
bucketSeconds: 1
allowedLatenessSeconds: 5
minSamples: 50
stepDurationSeconds: 300
rules:
  - name: error-rate
    metric: error_rate
    compare: { max: 0.05 }
    counting: consecutive
    failures: 1
    action: ROLLBACK
  - name: latency-p99
    metric: latency_p99
    compare: { maxRatioTo: baseline, factor: 1.2 }
    counting: consecutive
    failures: 1
    action: PAUSE
`;

function buildDefaultPolicy(): Policy {
  const parsed = parsePolicy(DEFAULT_POLICY_YAML, 'default-policy.yml');
  if (!parsed.ok) throw new Error(`the built-in default policy is invalid: ${parsed.diagnostics[0]?.message}`);
  return parsed.policy;
}

export const DEFAULT_POLICY: Policy = buildDefaultPolicy();
