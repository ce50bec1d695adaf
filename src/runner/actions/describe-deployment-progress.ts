import type { DeployStepDeployment } from './deploy-step-client.js';

type AppliedAction = DeployStepDeployment['actions'][number]['action'];
type RolloutEvent = DeployStepDeployment['events'][number];

/** One job-log line per action the controller applied, e.g. `setWeight v2=20 v1=80`; undefined: not worth a line. */
export function describeAppliedAction(action: AppliedAction): string | undefined {
  switch (action.type) {
    case 'startReplicas':
      return `startReplicas ${String(action['version'])} ×${String(action['count'])}`;
    case 'stopReplicas':
      return `stopReplicas ${(action['ids'] as string[] | undefined)?.join(', ') ?? ''}`;
    case 'setWeights': {
      const weights = Object.entries((action['weights'] as Record<string, number> | undefined) ?? {});
      return `setWeight ${weights.map(([version, weight]) => `${version}=${weight}`).join(' ')}`;
    }
    case 'waitForPromotion':
      return `paused: ${String(action['reason'])}`;
    case 'runAnalysis':
      return `analysis ${String(action['key'])} started`;
    case 'markSucceeded':
      return 'rollout succeeded';
    case 'markFailed':
      return `rollout failed: ${String(action['reason'])}`;
    case 'rollback':
      return `rollback: ${String(action['reason'])}`;
    // waitUntil is re-planned on every change: one line per poll would drown the rest.
    default:
      return undefined;
  }
}

/** One job-log line per rollout event that was not already shown as an action. */
export function describeRolloutEvent(event: RolloutEvent): string | undefined {
  switch (event.type) {
    case 'analysisCompleted': {
      const reason = typeof event['reason'] === 'string' ? `: ${event['reason']}` : '';
      return `analysis ${String(event['key'])} ${event['passed'] ? 'passed' : 'failed'}${reason}`;
    }
    case 'promoted':
      return event['full'] ? 'promoted fully' : 'promoted';
    case 'aborted':
      return `aborted: ${String(event['reason'])}`;
    default:
      return undefined;
  }
}

/** The failure of a finished deployment, with the failing replica's last stderr lines. */
export function describeDeploymentFailure(deployment: DeployStepDeployment): string {
  const failure = deployment.failure;
  const why = failure?.message ?? `it ended ${deployment.status}`;
  const tail = failure?.stderrTail?.length ? `\nstderr (last lines):\n${failure.stderrTail.join('\n')}` : '';
  return `deployment ${deployment.id} of ${deployment.service} ${deployment.version} to ${deployment.environment} ${deployment.status}: ${why}${tail}`;
}
