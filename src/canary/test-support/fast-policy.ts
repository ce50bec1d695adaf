/**
 * A canary policy that decides within seconds, for end-to-end tests: 2 s windows of 1 s buckets, 1 s
 * of lateness, 10 samples at least, and 2 s of passing windows to promote a step. Its first rule rolls
 * back on one window whose error rate is above maxErrorRate; `extraRules` (YAML list items, indented
 * by two spaces) follow it.
 */
export function fastPolicyYaml(options: { name: string; maxErrorRate?: number; extraRules?: string }): string {
  return `apiVersion: slipway/v1
name: ${options.name}
windowSeconds: 2
bucketSeconds: 1
allowedLatenessSeconds: 1
minSamples: 10
stepDurationSeconds: 2
rules:
  - name: error-rate
    metric: error_rate
    compare: { max: ${options.maxErrorRate ?? 0.1} }
    counting: consecutive
    failures: 1
    action: ROLLBACK
${options.extraRules ?? ''}`;
}
