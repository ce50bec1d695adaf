import { create, fromBinary, type JsonObject, toBinary } from '@bufbuild/protobuf';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import {
  Action,
  type Decision,
  DecisionSchema,
  type Rollout,
  RolloutSchema,
  RolloutState as RolloutStateMessage,
  Verdict as VerdictMessage,
} from '../gen/slipway/canary/v1/canary_pb.js';
import type { Verdict } from '../judges/verdict.js';
import type { RolloutState } from '../engine/decision.js';
import type { DecisionRecord, RecordedAction } from './decision.js';
import type { CanaryRollout } from './rollout.js';

// Records keyed by the closed sets: a new action, verdict or state fails to compile until it is mapped.
const actionToMessage: Record<RecordedAction, Action> = {
  PROMOTE: Action.PROMOTE,
  PAUSE: Action.PAUSE,
  ROLLBACK: Action.ROLLBACK,
};
const verdictToMessage: Record<Verdict, VerdictMessage> = {
  NO_DATA: VerdictMessage.NO_DATA,
  ERROR: VerdictMessage.ERROR,
  INCONCLUSIVE: VerdictMessage.INCONCLUSIVE,
  FAIL: VerdictMessage.FAIL,
  PASS: VerdictMessage.PASS,
};
const stateToMessage: Record<RolloutState, RolloutStateMessage> = {
  progressing: RolloutStateMessage.PROGRESSING,
  paused: RolloutStateMessage.PAUSED,
  rolled_back: RolloutStateMessage.ROLLED_BACK,
  completed: RolloutStateMessage.COMPLETED,
};
const actionFromMessage = invert(actionToMessage);
const verdictFromMessage = invert(verdictToMessage);

export function toDecisionMessage(decision: DecisionRecord): Decision {
  return create(DecisionSchema, {
    sequence: BigInt(decision.sequence),
    rolloutId: decision.rolloutId,
    service: decision.service,
    step: decision.step,
    action: actionToMessage[decision.action],
    verdict: verdictToMessage[decision.verdict],
    reasons: decision.reasons,
    evidence: decision.evidence as JsonObject,
    policyVersion: decision.policyVersion,
    idempotencyKey: decision.idempotencyKey,
    createdAtMs: BigInt(decision.createdAtMs),
  });
}

export function fromDecisionMessage(message: Decision): DecisionRecord {
  const action = actionFromMessage.get(message.action);
  const verdict = verdictFromMessage.get(message.verdict);
  if (action === undefined || verdict === undefined) {
    throw new AppError(ErrorCode.invalidArgument, `decision ${message.sequence} has an unknown action (${message.action}) or verdict (${message.verdict})`);
  }
  return {
    sequence: Number(message.sequence),
    rolloutId: message.rolloutId,
    service: message.service,
    step: message.step,
    action,
    verdict,
    reasons: [...message.reasons],
    evidence: message.evidence ?? {},
    policyVersion: message.policyVersion,
    idempotencyKey: message.idempotencyKey,
    createdAtMs: Number(message.createdAtMs),
  };
}

/** The `decisions` bus payload. */
export function encodeDecision(decision: DecisionRecord): Uint8Array {
  return toBinary(DecisionSchema, toDecisionMessage(decision));
}

export function decodeDecision(payload: Uint8Array): DecisionRecord {
  return fromDecisionMessage(fromBinary(DecisionSchema, payload));
}

export function toRolloutMessage(rollout: CanaryRollout): Rollout {
  return create(RolloutSchema, {
    id: rollout.id,
    service: rollout.service,
    currentStep: rollout.currentStep,
    policyVersion: rollout.policyVersion,
    state: stateToMessage[rollout.state],
    createdAtMs: BigInt(rollout.createdAtMs),
    updatedAtMs: BigInt(rollout.updatedAtMs),
  });
}

function invert<K extends string, V>(record: Record<K, V>): Map<V, K> {
  return new Map(Object.entries(record).map(([key, value]) => [value as V, key as K]));
}
