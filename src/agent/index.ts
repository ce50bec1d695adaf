/**
 * agent/ — the build agent: the driver that feeds jobs pushed by the control plane to the executor.
 *
 * Glossary
 * - agent: this process; registered with a name, labels and a capacity (jobs at once).
 * - jobs stream: the SSE response the agent holds open; the server pushes `event: job` assignments.
 * - assignment: a claimed job with its fencing token, lease length and where its log continues.
 * - heartbeat: renews the job's lease every leaseMs/3, a missed one retried from 1 s on; refused (409)
 *   means another holder has it now.
 * - log upload: output sent in order at byte offsets, resent at the same offset after a failure.
 * - deploy role (`--roles deploy`): the agent also holds a replica command stream open and runs the
 *   replicas the server's agent target places on it, with a local target (run-deploy-role.ts).
 * - approval step: the job waits at its gate on the server (POST then polled GET
 *   /api/v1/jobs/:id/approvals) while heartbeats keep the lease; people decide it with `slipway approve`.
 */
export { type AgentClient, type Answer, type ApprovalAnswer, createAgentClient } from './create-agent-client.js';
export { type ApprovalWaiterOptions, createApprovalWaiter, defaultApprovalPollMs } from './create-approval-waiter.js';
export { type ChunkOutcome, type LogUploader, type LogUploaderOptions, createLogUploader } from './create-log-uploader.js';
export { type SseEvent, readSseEvents } from './read-sse-events.js';
export { type RunAssignedJobOptions, runAssignedJob } from './run-assigned-job.js';
export { type AgentRole, type RunAgentOptions, runAgent } from './run-agent.js';
export { type ReplicaClient, createReplicaClient } from './create-replica-client.js';
export { type RunDeployRoleOptions, runDeployRole } from './run-deploy-role.js';
