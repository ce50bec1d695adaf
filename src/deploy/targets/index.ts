/**
 * deploy/targets — where a release's replicas run. `Target` is the contract; `createLocalTarget`
 * runs replicas as supervised processes on this host; `createAgentTarget` places them on agents
 * registered with the deploy role, which run them with their own local target (a Kubernetes target is
 * planned behind the same contract).
 */
export { type AgentTarget, type AgentTargetOptions, createAgentTarget, type ReplicaCommandStream } from './agents/target.js';
export {
  type CommandError,
  type ReplicaCommand,
  type ReplicaReport,
  type ReplicaReportBatch,
  type ReplicaStreamHello,
  replicaReportBatchSchema,
} from './agents/replica-protocol.js';
export { reapOrphanReplicas } from './local/replica-records.js';
export { createLocalTarget, type LocalTargetOptions } from './local/target.js';
export { type ProbeSpec, parseServiceSpec, type ServiceSpec, type ServiceSpecInput, serviceSpecSchema } from './service-spec.js';
export type {
  Replica,
  ReplicaEvent,
  ReplicaEventListener,
  ReplicaEventType,
  ReplicaFailure,
  ReplicaState,
  StopOutcome,
  StopReplicaOptions,
  Target,
  TargetRelease,
  WaitForReadyOptions,
} from './target.js';
