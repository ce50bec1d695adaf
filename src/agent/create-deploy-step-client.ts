import { matchFiles, packFiles } from '../blobs/index.js';
import type { DeployStepAnswer, DeployStepClient, DeployStepDeployment } from '../runner/index.js';
import type { AgentClient, Answer, DeploymentAnswer } from './create-agent-client.js';

export interface DeployStepClientOptions {
  client: AgentClient;
  jobId: number;
  fencingToken: number;
  /** The job's `environment:`. */
  environment: string | undefined;
}

/**
 * The `deploy` action's server side on an agent: the release directory goes up as a tar archive
 * (the deterministic artifact format, so the same files always make the same release digest), then the
 * deployment is submitted and followed through the job's routes, each call with the fencing token.
 */
export function createDeployStepClient(options: DeployStepClientOptions): DeployStepClient {
  const { client, jobId, fencingToken } = options;
  return {
    environment: options.environment,
    async submit(request) {
      let release: Record<string, string>;
      if ('dir' in request.release) {
        const files = await matchFiles(request.release.dir, ['**']);
        if (files.length === 0) return { ok: false, retryable: false, message: `the release directory ${request.release.dir} is empty` };
        const uploaded = await client.uploadRelease(jobId, fencingToken, request.stepIndex, packFiles(request.release.dir, files));
        if (uploaded.status !== 200 || !uploaded.body.digest) return refused(uploaded, 'the release upload');
        release = { digest: uploaded.body.digest };
      } else {
        release = { artifact: request.release.artifact };
      }
      const answer = await client.submitDeployment(jobId, fencingToken, {
        stepIndex: request.stepIndex,
        service: request.service,
        ...(request.strategy === undefined ? {} : { strategy: request.strategy }),
        ...(request.version === undefined ? {} : { version: request.version }),
        release,
      });
      return withDeployment(answer, (deployment) => ({ ok: true, deployment, created: answer.body.created === true }));
    },
    read: async (deploymentId) => {
      const answer = await client.readDeployment(jobId, fencingToken, deploymentId);
      return withDeployment(answer, (deployment) => ({ ok: true, deployment }));
    },
    abort: async (deploymentId, reason) => {
      const answer = await client.abortDeployment(jobId, fencingToken, deploymentId, reason);
      return withDeployment(answer, (deployment) => ({ ok: true, deployment }));
    },
  };
}

function withDeployment<T>(answer: Answer<DeploymentAnswer>, ok: (deployment: DeployStepDeployment) => DeployStepAnswer<T>): DeployStepAnswer<T> {
  const deployment = answer.body.deployment;
  if (answer.status < 300 && deployment) return ok(deployment);
  return refused(answer, 'the deployment call');
}

function refused(answer: Answer<{ error?: { message?: string } }>, what: string): { ok: false; retryable: boolean; message: string } {
  const message = answer.body.error?.message ?? `${what} was answered ${answer.status}`;
  return { ok: false, retryable: answer.status >= 500, message };
}
