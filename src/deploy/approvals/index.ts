/**
 * deploy/approvals — the gates deployments wait at, and the decisions people make on them.
 *
 * Glossary
 * - gate (approval request): one deployment's (or inline `- approval:` step's) wait for its protection
 *   rules; pending, then approved | auto-approved | rejected | expired. Opened by the scheduler
 *   (openGate), polled by it (readGate), decided by people (decideGate).
 * - approval / rejection: one person's recorded decision on a gate, with role and comment; one per
 *   person per gate. The change's author can never decide their own gate.
 * - risk score: 0..100, the sum of explainable factors (change size, sensitive paths, recent
 *   failures, staging verification); at or below an environment's autoApprove.maxRisk no human is needed.
 * - verdict: what evaluateGate says now — proceed, wait (approvals, wait timer) or refuse (branch,
 *   freeze, a rejection).
 */
export {
  type ApprovalRecord,
  type ApprovalRequest,
  type GateStatus,
  gateStatuses,
} from './approval-request.js';
export { type GateChange, type GateDecision, type GateEvaluation, type GateInput, type GateVerdict, evaluateGate } from './evaluate-gate.js';
export { type RiskFactor, type RiskInputs, type RiskScore, defaultSensitivePaths, scoreRisk } from './score-risk.js';
export { type OpenedGate, type OpenGateChange, type OpenGateInput, defaultGateTimeoutMs, openGate } from './open-gate.js';
export { type GateReading, readGate } from './read-gate.js';
export { type DecideGateInput, decideGate } from './decide-gate.js';
export { expireGates } from './expire-gates.js';
export { type ListGatesOptions, listGates } from './list-gates.js';
export { readRecentFailureRate } from './read-recent-failure-rate.js';
