import { createFailure } from '../runner/failure.js';
import type { ApprovalStepRequest, WaitForApproval } from '../runner/index.js';
import type { AgentClient, Answer, ApprovalAnswer } from './create-agent-client.js';
import { sleep } from '../clock/sleep.js';

export interface ApprovalWaiterOptions {
  client: AgentClient;
  jobId: number;
  fencingToken: number;
  /**
   * Between two reads of a pending gate. Default 1000 ms: one indexed read and an evaluation per
   * waiting job per second, and a decision shows within a second.
   */
  pollMs?: number;
}

export const defaultApprovalPollMs = 1000;

/** Network errors and 5xx are retried this long before the step fails (infra, retryable). */
const serverOutageMs = 60_000;

type Gate = NonNullable<ApprovalAnswer['approval']>;

/**
 * The agent's WaitForApproval: opens the step's gate on the server, says in the job's log who must do
 * what, then polls it until it is decided. The job's heartbeats go on meanwhile and keep the lease; a
 * refused heartbeat or a cancel aborts `signal`, which ends the wait.
 */
export function createApprovalWaiter(options: ApprovalWaiterOptions): WaitForApproval {
  const pollMs = options.pollMs ?? defaultApprovalPollMs;
  return async (request: ApprovalStepRequest) => {
    const { client, jobId, fencingToken } = options;
    const { step, signal } = request;
    let gate = await ask(() => client.openApproval(jobId, fencingToken, step.index), signal, pollMs);
    if ('failure' in gate) return gate.failure;
    const count = gate.gate.requiredApprovals;
    request.log(
      `waiting for ${count} approval${count === 1 ? '' : 's'}: slipway approve ${gate.gate.id} ` +
        `(or slipway reject ${gate.gate.id} --comment WHY)${gate.gate.expiresAt ? `; expires at ${gate.gate.expiresAt}` : ''}`,
    );
    let seen = gate.gate.approvers.length;
    for (;;) {
      const current = gate.gate;
      if (current.approvers.length > seen) {
        request.log(`approved by ${current.approvers.slice(seen).join(', ')} (${current.approvers.length} of ${count})`);
        seen = current.approvers.length;
      }
      if (current.status === 'approved' || current.status === 'auto-approved') {
        request.log(`approval request ${current.id} ${current.status}: ${current.reasons.join('; ')}`);
        return undefined;
      }
      if (current.status === 'rejected' || current.status === 'expired') {
        const message = current.message ?? `approval request ${current.id} was ${current.status}: ${current.reasons.join('; ')}`;
        request.log(message);
        return createFailure('user', `step '${step.name}' was not approved: ${message}`);
      }
      if (!(await sleep(pollMs, signal))) return undefined;
      const next = await ask(() => client.readApproval(jobId, fencingToken, current.id), signal, pollMs);
      if ('failure' in next) return next.failure;
      gate = next;
    }
  };
}

/** One call, retried through network errors and 5xx for a while; a 4xx is final. */
async function ask(
  call: () => Promise<Answer<ApprovalAnswer>>,
  signal: AbortSignal,
  pollMs: number,
): Promise<{ gate: Gate } | { failure: ReturnType<typeof createFailure> }> {
  const giveUpAt = Date.now() + serverOutageMs;
  let problem = 'no answer';
  for (;;) {
    try {
      const answer = await call();
      if (answer.status < 300 && answer.body.approval) return { gate: answer.body.approval };
      problem = `${answer.status} ${answer.body.error?.message ?? 'no approval in the answer'}`;
      if (answer.status < 500) return { failure: createFailure('infra', `the server refused the approval step: ${problem}`) };
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= giveUpAt || !(await sleep(pollMs, signal))) {
      return { failure: createFailure('infra', `the server could not be asked about the approval step: ${problem}`) };
    }
  }
}
