import type { Decision, RuleEvidence } from './decision.js';

/**
 * One timeline line: time, rollout, step, action, verdict, and the rule(s) and values behind it,
 * e.g. `2023-11-14T22:14:20.000Z  r1  step 1  ROLLBACK  FAIL  error-rate: error_rate 0.5 ≤ 0.05 (n=120)`.
 */
export function formatDecisionLine(decision: Decision): string {
  const time = new Date(decision.windowEndMs).toISOString();
  const shown = pickShownEvidence(decision);
  const detail = shown.length > 0 ? shown.map(formatEvidenceShort).join('; ') : decision.reasons.join('; ');
  return `${time}  ${decision.rolloutId}  step ${decision.step}  ${decision.action.padEnd(8)}  ${decision.verdict.padEnd(12)}  ${detail}`;
}

/** `slipway rollouts explain`: the decision, then every rule's evidence with the numbers. */
export function formatDecisionEvidence(decision: Decision): string {
  const lines = [
    `decision ${decision.action} (${decision.verdict}) for rollout ${decision.rolloutId} step ${decision.step}`,
    `  window    ${new Date(decision.windowStartMs).toISOString()} – ${new Date(decision.windowEndMs).toISOString()}`,
    `  policy    ${decision.policyName} ${decision.policyVersion}`,
    `  decided   ${new Date(decision.decidedAtMs).toISOString()}   key ${decision.idempotencyKey}`,
    ...decision.reasons.map((reason) => `  because   ${reason}`),
  ];
  for (const e of decision.evidence) {
    lines.push(`  rule ${e.rule}${e.triggered ? ` → ${e.action}` : ''}: ${e.verdict} — ${e.reason}`);
    const values = [`${e.metric} ${e.comparison}`, `canary ${formatNumber(e.canaryValue)} (n=${e.canarySamples})`];
    if (e.referenceTrack !== undefined) values.push(`${e.referenceTrack} ${formatNumber(e.referenceValue)} (n=${e.referenceSamples ?? 0})`);
    if (e.threshold !== undefined) values.push(`limit ${formatNumber(e.threshold)}`);
    if (e.pValue !== undefined) values.push(`p ${e.pValue.toPrecision(3)}`);
    values.push(`minSamples ${e.minSamples}`, `failures ${e.failureCount}/${e.failuresNeeded} ${e.counting}`);
    lines.push(`    ${values.join(', ')}`);
  }
  return lines.join('\n');
}

/** The rules that caused the action; for PROMOTE or NONE with all passing, none (the reason says it). */
function pickShownEvidence(decision: Decision): RuleEvidence[] {
  const triggered = decision.evidence.filter((e) => e.triggered);
  if (triggered.length > 0) return triggered;
  return decision.evidence.filter((e) => e.verdict === decision.verdict && e.verdict !== 'PASS');
}

function formatEvidenceShort(e: RuleEvidence): string {
  const canary = `canary ${formatNumber(e.canaryValue)}`;
  const reference = e.referenceTrack === undefined ? '' : `, ${e.referenceTrack} ${formatNumber(e.referenceValue)}`;
  const limit = e.threshold === undefined ? '' : `, limit ${formatNumber(e.threshold)}`;
  return `${e.rule} [${e.metric} ${e.comparison}]: ${canary}${reference}${limit} (n=${e.canarySamples}${e.referenceSamples === undefined ? '' : `/${e.referenceSamples}`}) — ${e.reason}`;
}

function formatNumber(value: number | undefined): string {
  if (value === undefined) return '–';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
