/**
 * deploy/targets — where a release's replicas run. `Target` is the contract; `createLocalTarget`
 * runs replicas as supervised processes on this host (a Kubernetes target is planned behind it).
 */
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
