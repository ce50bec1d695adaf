import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type AgentTarget, type ReplicaStreamHello, replicaReportBatchSchema } from '../../deploy/targets/index.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { openSseStream } from './open-sse-stream.js';
import { parseBody } from './parse-body.js';

export interface DeployAgentRouteDeps {
  /** The agent target, when this server places replicas on agents (SLIPWAY_DEPLOY_TARGET=agents). */
  target?: AgentTarget;
  /** Aborted when the server closes: held-open streams end. */
  shutdown: AbortSignal;
  /** Throws unauthenticated unless the header carries the agent token. */
  authenticate(header: string | undefined): void;
}

export const deployAgentParams = z.object({ id: z.string().min(1) });
export const replicaReportBody = replicaReportBatchSchema;

/**
 * The deploy role of agents: the held-open replica command stream (start/stop replica) and the report
 * batches agents answer with (results, replica events, their replicas), see replica-protocol.ts.
 */
export function registerDeployAgentRoutes(app: FastifyInstance, deps: DeployAgentRouteDeps): void {
  const targetOf = (): AgentTarget => {
    if (deps.target) return deps.target;
    throw new AppError(
      ErrorCode.failedPrecondition,
      'this server runs deployments on its own host (SLIPWAY_DEPLOY_TARGET=local): start it with SLIPWAY_DEPLOY_TARGET=agents to place replicas on deploy agents, or run this agent with --roles build',
    );
  };

  app.get('/api/v1/agents/:id/replica-commands', async (request, reply) => {
    deps.authenticate(request.headers.authorization);
    const { id } = parseBody(deployAgentParams, request.params, 'agent id');
    const target = targetOf();
    if (!target.listAgents().some((agent) => agent.id === id)) throw unknownAgent(id);
    const stream = openSseStream(reply);
    const disconnect = target.connectAgent(id, { send: (command) => stream.send('command', command), end: () => stream.end() });
    // Lost between the check and the connect: the agent reconnects and gets its 404 then.
    if (!disconnect) {
      stream.end();
      return;
    }
    stream.send('hello', { leaseMs: target.leaseMs } satisfies ReplicaStreamHello);
    const onShutdown = () => stream.end();
    deps.shutdown.addEventListener('abort', onShutdown, { once: true });
    await stream.closed;
    disconnect();
    deps.shutdown.removeEventListener('abort', onShutdown);
  });

  app.post('/api/v1/agents/:id/replica-reports', async (request) => {
    deps.authenticate(request.headers.authorization);
    const { id } = parseBody(deployAgentParams, request.params, 'agent id');
    const batch = parseBody(replicaReportBody, request.body, 'replica report batch');
    if (!targetOf().receiveReports(id, batch)) {
      throw unknownAgent(id);
    }
    return { ok: true };
  });
}

function unknownAgent(id: string): AppError {
  return new AppError(
    ErrorCode.notFound,
    `no deploy agent ${id} on this server (it was lost, registered without --roles deploy, or the server restarted): register again (POST /api/v1/agents/register with roles [deploy])`,
  );
}
