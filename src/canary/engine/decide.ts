import { Verdict } from '../judges/verdict.js';
import type { Policy } from '../policy/policy-model.js';
import { type Decision, DecisionAction, type DecisionHistory, type DecisionWindows, type RolloutPosition, type RuleEvidence } from './decision.js';
import { describeComparison, judgeRule, type RuleJudgement } from './judge-rule.js';

export interface DecideInput {
  /** The version the rollout is pinned to. */
  policy: Policy;
  rollout: RolloutPosition;
  windows: DecisionWindows;
  nowMs: number;
  /** The previous call's nextHistory for this rollout; omit for the first evaluation. */
  history?: DecisionHistory;
}

export interface DecideOutput {
  decision: Decision;
  nextHistory: DecisionHistory;
  /** The windows were already decided on (same or older end): `decision` is that earlier one. */
  repeated: boolean;
}

/** Worst first: the decision's verdict is the first of these any rule gave. */
const SEVERITY = [Verdict.fail, Verdict.error, Verdict.noData, Verdict.inconclusive, Verdict.pass] as const;

/**
 * The decision function: deterministic in its input (policy version, windows, rollout step and
 * state, clock, history), no I/O. Invariants: only a rule that FAILs on a window with at least its
 * minSamples can trigger, so NO_DATA and ERROR can pause but never roll back; the same window is
 * never decided twice; PROMOTE needs every rule passing, unbroken, for the step's duration.
 */
export function decide(input: DecideInput): DecideOutput {
  const { policy, rollout, windows, nowMs } = input;
  const history = continueHistory(input.history, policy.version, rollout.step);
  const last = history.lastDecision;
  if (last !== undefined && !(windows.endMs > last.windowEndMs)) return { decision: last, nextHistory: history, repeated: true };

  const problem = findInputProblem(input);
  const judgements: RuleJudgement[] = policy.rules.map((rule) =>
    problem === undefined ? judgeRule(rule, windows) : { verdict: Verdict.error, reason: problem, comparison: '', canarySamples: 0 },
  );
  const final = rollout.state === 'rolled_back' || rollout.state === 'completed';
  const rules: DecisionHistory['rules'] = {};
  const evidence: RuleEvidence[] = policy.rules.map((rule, i) => {
    const judgement = judgements[i]!;
    const before = history.rules[rule.name] ?? { consecutive: 0, cumulative: 0 };
    const failed = judgement.verdict === Verdict.fail;
    const counts = {
      consecutive: failed ? before.consecutive + 1 : judgement.verdict === Verdict.pass ? 0 : before.consecutive,
      cumulative: failed ? before.cumulative + 1 : before.cumulative,
    };
    rules[rule.name] = counts;
    const failureCount = rule.counting === 'consecutive' ? counts.consecutive : counts.cumulative;
    const { verdict, reason, comparison, referenceTrack, canaryValue, referenceValue, observed, limit, pValue, canarySamples, referenceSamples } = judgement;
    return {
      ...{ rule: rule.name, metric: rule.metric, verdict, reason, comparison: comparison || describeComparison(rule) },
      ...defined({ referenceTrack, canaryValue, referenceValue, threshold: limit, observed, pValue, referenceSamples }),
      ...{ canarySamples, minSamples: rule.minSamples, counting: rule.counting, failureCount, failuresNeeded: rule.failures, action: rule.action },
      triggered: !final && failed && failureCount >= rule.failures,
    };
  });

  const verdict = SEVERITY.find((v) => evidence.some((e) => e.verdict === v)) ?? Verdict.pass;
  const windowStartMs = windows.endMs - policy.windowSeconds * 1000;
  const healthy = !final && verdict === Verdict.pass;
  const healthySinceMs = healthy ? (history.healthySinceMs ?? Math.max(windowStartMs, rollout.stepStartedMs)) : undefined;
  const healthyForMs = healthySinceMs === undefined ? 0 : Math.max(0, windows.endMs - healthySinceMs);
  const { action, reasons } = chooseAction(evidence, { final, state: rollout.state, healthyForMs, stepDurationMs: policy.stepDurationSeconds * 1000 });

  const decision: Decision = {
    idempotencyKey: makeIdempotencyKey(rollout.id, rollout.step, windows.endMs, policy.version),
    rolloutId: rollout.id,
    step: rollout.step,
    policyName: policy.name,
    policyVersion: policy.version,
    windowStartMs,
    windowEndMs: windows.endMs,
    decidedAtMs: nowMs,
    action,
    verdict,
    reasons,
    evidence,
    healthyForMs,
  };
  const nextHistory: DecisionHistory = { policyVersion: policy.version, step: rollout.step, rules, lastDecision: decision };
  if (healthySinceMs !== undefined) nextHistory.healthySinceMs = healthySinceMs;
  return { decision, nextHistory, repeated: false };
}

export function makeIdempotencyKey(rolloutId: string, step: number, windowEndMs: number, policyVersion: string): string {
  return `${rolloutId}/${step}/${windowEndMs}/${policyVersion}`;
}

interface ActionContext {
  final: boolean;
  state: RolloutPosition['state'];
  healthyForMs: number;
  stepDurationMs: number;
}

function chooseAction(evidence: RuleEvidence[], context: ActionContext): { action: Decision['action']; reasons: string[] } {
  const say = (e: RuleEvidence) => `${e.rule}: ${e.reason}`;
  if (context.final) return { action: DecisionAction.none, reasons: [`the rollout is ${context.state.replace('_', ' ')}; nothing left to decide`] };
  const triggered = (action: string) => evidence.filter((e) => e.triggered && e.action === action);
  const rollback = triggered('ROLLBACK');
  if (rollback.length > 0) return { action: DecisionAction.rollback, reasons: rollback.map(say) };
  const pause = triggered('PAUSE');
  if (pause.length > 0) return { action: DecisionAction.pause, reasons: pause.map(say) };
  const errors = evidence.filter((e) => e.verdict === Verdict.error);
  if (errors.length > 0) return { action: DecisionAction.pause, reasons: errors.map((e) => `${e.rule} could not be judged: ${e.reason}`) };
  // Too little traffic proves nothing either way: hold, never roll back on it.
  const noData = evidence.filter((e) => e.verdict === Verdict.noData);
  if (noData.length > 0) return { action: DecisionAction.pause, reasons: noData.map((e) => `not enough data for ${say(e)}`) };
  const counting = evidence.filter((e) => e.verdict === Verdict.fail);
  if (counting.length > 0) {
    const reasons = counting.map((e) => `${say(e)} (failure ${e.failureCount} of ${e.failuresNeeded} ${e.counting})`);
    return { action: DecisionAction.none, reasons };
  }
  const unsure = evidence.filter((e) => e.verdict === Verdict.inconclusive);
  if (unsure.length > 0) return { action: DecisionAction.none, reasons: unsure.map((e) => `inconclusive, not promoting: ${say(e)}`) };
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10}s`;
  if (context.healthyForMs >= context.stepDurationMs) {
    return { action: DecisionAction.promote, reasons: [`every rule passed for ${seconds(context.healthyForMs)}, the step needs ${seconds(context.stepDurationMs)}`] };
  }
  return { action: DecisionAction.none, reasons: [`every rule passes; healthy for ${seconds(context.healthyForMs)} of ${seconds(context.stepDurationMs)}`] };
}

/** A new step or a new policy version starts counting afresh; otherwise the history carries on. */
function continueHistory(history: DecisionHistory | undefined, policyVersion: string, step: number): DecisionHistory {
  if (history !== undefined && history.policyVersion === policyVersion && history.step === step) return history;
  return { policyVersion, step, rules: {} };
}

/** Inputs no judge should see: a decision from them could only be wrong. */
function findInputProblem({ policy, rollout, windows, nowMs }: DecideInput): string | undefined {
  if (!Number.isFinite(nowMs) || !Number.isFinite(windows.endMs)) return 'the clock or the window end is not a finite time';
  if (!Number.isInteger(rollout.step) || rollout.step < 1) return `rollout step ${rollout.step} is not a whole number ≥ 1`;
  const windowMs = policy.windowSeconds * 1000;
  for (const track of ['canary', 'baseline', 'stable'] as const) {
    const window = windows[track];
    if (window === undefined) continue;
    if (window.rollout !== rollout.id) return `the ${track} window belongs to rollout '${window.rollout}', not '${rollout.id}'`;
    if (window.endMs !== windows.endMs || window.endMs - window.startMs !== windowMs) {
      return `the ${track} window [${window.startMs}, ${window.endMs}) is not the policy's ${policy.windowSeconds}s window ending at ${windows.endMs}`;
    }
  }
  return undefined;
}

/** Evidence is compared and serialized as data: absent numbers are left out, not undefined. */
function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
