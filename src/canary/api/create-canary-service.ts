import { create } from '@bufbuild/protobuf';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { toDecisionMessage, toRolloutMessage } from '../decisions/decision-message.js';
import { getRollout } from '../decisions/get-rollout.js';
import type { TeamScope } from '../decisions/team-scope.js';
import { type WatchDecisionsDeps, watchDecisions } from '../decisions/watch-decisions.js';
import {
  type CanaryService,
  GetRolloutResponseSchema,
  IngestBatchResponseSchema,
  IngestTelemetryResponseSchema,
  TelemetryBatchSchema,
  WatchDecisionsResponseSchema,
} from '../gen/slipway/canary/v1/canary_pb.js';
import type { TelemetryIngestor } from './create-telemetry-ingestor.js';
import { addIngestCounts, createIngestCounts, toIngestSummary } from './ingest-counts.js';
import { toConnectError } from './to-connect-error.js';

export interface CanaryServiceDeps extends WatchDecisionsDeps {
  ingestor: TelemetryIngestor;
  /** Errors that become `internal` for the client; default console.error. */
  logError?: (error: unknown) => void;
  /**
   * Who is calling, from the call's `authorization` metadata: throws unauthenticated (or
   * permission_denied) to refuse the call. Absent: every call sees and feeds every rollout (an
   * engine run on its own, tests); the platform always sets it.
   */
  authorize?: (authorization: string | undefined) => Promise<CanaryCaller>;
}

/** What one caller may do: see decisions and rollouts of `sees`, feed telemetry to rollouts of `feeds`. */
export interface CanaryCaller {
  sees: TeamScope;
  feeds: TeamScope;
}

const everyone: CanaryCaller = { sees: undefined, feeds: undefined };

/** The CanaryService handlers; transport-agnostic (served by start-grpc-server.ts). */
export function createCanaryService(deps: CanaryServiceDeps): ServiceImpl<typeof CanaryService> {
  const logError = deps.logError ?? ((error: unknown) => console.error('canary service:', error));
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw toConnectError(error, logError);
    }
  };
  const emptyBatch = create(TelemetryBatchSchema);
  const callerOf = (context: HandlerContext): Promise<CanaryCaller> =>
    deps.authorize === undefined ? Promise.resolve(everyone) : deps.authorize(context.requestHeader.get('authorization') ?? undefined);

  return {
    // A malformed batch fails the stream (invalid_argument): batches before it are already published,
    // and the client learns which one failed from the message. Counts cover the whole stream.
    ingestTelemetry: (requests, context) =>
      guard(async () => {
        const caller = await callerOf(context);
        const total = createIngestCounts();
        for await (const request of requests) addIngestCounts(total, await deps.ingestor.ingest(request.batch ?? emptyBatch, { teams: caller.feeds }));
        return create(IngestTelemetryResponseSchema, { summary: toIngestSummary(total) });
      }),

    ingestBatch: (request, context) =>
      guard(async () => {
        const caller = await callerOf(context);
        const counts = await deps.ingestor.ingest(request.batch ?? emptyBatch, { teams: caller.feeds });
        return create(IngestBatchResponseSchema, { summary: toIngestSummary(counts) });
      }),

    async *watchDecisions(request, context) {
      const caller = await guard(() => callerOf(context));
      const decisions = watchDecisions(deps, {
        afterSequence: Number(request.afterSequence),
        // Another team's rollouts are left out, as if they did not exist.
        teams: caller.sees,
        ...(request.service ? { service: request.service } : {}),
        ...(request.rolloutId ? { rolloutId: request.rolloutId } : {}),
        // Aborted when the client cancels or the call ends: the watch stops waiting at once.
        signal: context.signal,
      });
      try {
        for await (const decision of decisions) yield create(WatchDecisionsResponseSchema, { decision: toDecisionMessage(decision) });
      } catch (error) {
        throw toConnectError(error, logError);
      }
    },

    getRollout: (request, context) =>
      guard(async () => {
        const caller = await callerOf(context);
        if (!request.rolloutId) throw new AppError(ErrorCode.invalidArgument, 'rollout_id is required');
        const rollout = await getRollout(deps.db, request.rolloutId, caller.sees);
        if (!rollout) throw new AppError(ErrorCode.notFound, `no rollout ${request.rolloutId}`);
        return create(GetRolloutResponseSchema, { rollout: toRolloutMessage(rollout) });
      }),
  };
}
