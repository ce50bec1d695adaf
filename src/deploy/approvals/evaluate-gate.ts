import picomatch from 'picomatch';
import { findActiveFreeze } from '../environments/freeze-windows.js';
import { type ProtectionRules, approverRoles } from '../environments/protection-rules.js';
import type { RiskScore } from './score-risk.js';

/** The change a gate guards: who made it and where it comes from. */
export interface GateChange {
  /** The author of the change (commit author or pull-request opener); they can never approve it. */
  author: string;
  /** The branch the change deploys from, e.g. `main` (a `refs/heads/` prefix is ignored). */
  branch: string;
}

export interface GateDecision {
  actor: string;
  role: string;
  decision: 'approve' | 'reject';
}

export interface GateInput {
  rules: ProtectionRules;
  /** Approvals needed; at least rules.requiredApprovals.count (an inline approval step may ask for more). */
  requiredApprovals: number;
  change: GateChange;
  decisions: readonly GateDecision[];
  /** Without it, autoApprove never applies. */
  risk?: RiskScore;
  openedAtMs: number;
  nowMs: number;
}

export type GateVerdict = 'proceed' | 'wait' | 'refuse';

export interface GateEvaluation {
  decision: GateVerdict;
  /** One line per rule that had something to say, in the order the rules are checked. */
  reasons: string[];
  /** For `wait` on the wait timer (or `refuse` on a freeze): when asking again may change the answer. */
  retryAtMs?: number;
  /** Distinct approvers whose approvals count. */
  approvers: string[];
  autoApproved: boolean;
}

/**
 * Decides whether a deployment may proceed now. Pure: the store shells feed it rows and a clock.
 *
 * A freeze refuses rather than waits: freezes are long (a weekend), and a deployment that silently
 * lands when one ends, with nobody watching, is the surprise freezes exist to prevent. The caller is
 * told when the freeze ends (retryAtMs) and starts again then.
 */
export function evaluateGate(input: GateInput): GateEvaluation {
  const { rules, change } = input;
  const refusals: string[] = [];
  const waits: string[] = [];
  const notes: string[] = [];
  let retryAtMs: number | undefined;

  const branch = change.branch.replace(/^refs\/heads\//, '');
  if (rules.branches.length > 0 && !picomatch(rules.branches)(branch)) {
    refusals.push(`branch ${branch} may not deploy here: allowed branches are ${rules.branches.join(', ')}`);
  }
  const freeze = findActiveFreeze(rules.freezeWindows, input.nowMs);
  if (freeze) {
    refusals.push(`frozen until ${new Date(freeze.untilMs).toISOString()}: ${freeze.reason}`);
    retryAtMs = freeze.untilMs;
  }

  const roles = approverRoles(rules);
  const counts = (d: GateDecision) => d.actor !== change.author && roles.includes(d.role);
  const rejection = input.decisions.find((d) => d.decision === 'reject' && counts(d));
  if (rejection) refusals.push(`rejected by ${rejection.actor} (${rejection.role})`);
  const approvers = [...new Set(input.decisions.filter((d) => d.decision === 'approve' && counts(d)).map((d) => d.actor))];

  const autoApprove = rules.autoApprove;
  const autoApproved = autoApprove !== undefined && input.risk !== undefined && input.risk.score <= autoApprove.maxRisk;
  // With auto-approval on, a risky change needs a human even when the rules ask for no approvals.
  const required = autoApproved ? 0 : Math.max(input.requiredApprovals, autoApprove !== undefined ? 1 : 0);
  if (autoApprove !== undefined && input.risk !== undefined) {
    notes.push(
      autoApproved
        ? `auto-approved: risk ${input.risk.score} ≤ ${autoApprove.maxRisk}`
        : `risk ${input.risk.score} > ${autoApprove.maxRisk}: a human must approve`,
    );
  }
  if (approvers.length < required) {
    const who = approvers.length > 0 ? ` (${approvers.join(', ')})` : '';
    waits.push(`needs ${required} approval${required === 1 ? '' : 's'} from ${roles.join(' or ')}, has ${approvers.length}${who}`);
  } else if (required > 0) {
    notes.push(`approved by ${approvers.join(', ')}`);
  }

  const waitUntilMs = input.openedAtMs + rules.waitTimerSeconds * 1000;
  if (input.nowMs < waitUntilMs) {
    waits.push(`wait timer: ${rules.waitTimerSeconds} s, until ${new Date(waitUntilMs).toISOString()}`);
    if (refusals.length === 0) retryAtMs = waitUntilMs;
  }

  const decision: GateVerdict = refusals.length > 0 ? 'refuse' : waits.length > 0 ? 'wait' : 'proceed';
  // Once refused, what it would still wait for is noise.
  const reasons = [...refusals, ...(refusals.length > 0 ? [] : waits), ...notes];
  if (decision === 'proceed' && reasons.length === 0) reasons.push('no protection rule applies');
  return { decision, reasons, ...(retryAtMs === undefined ? {} : { retryAtMs }), approvers, autoApproved };
}
