import type { CanaryCaller } from '../../canary/index.js';
import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { teamIdsWithRole, visibleTeamIds } from '../../identity/index.js';
import type { Db } from '../../store/db.js';
import { authenticateBearer } from './authenticate-request.js';

const how = 'send `authorization: Bearer <API token>` metadata with every call (create a token with `slipway tokens create`)';

/**
 * The canary gRPC service's check, the same as the HTTP canary routes': a person's API token; they
 * see decisions and rollouts of their teams' projects and feed telemetry to those of the teams where
 * they are developer or above (administrators: every rollout).
 */
export function createCanaryAuthorizer(db: Db, clock: Clock): (authorization: string | undefined) => Promise<CanaryCaller> {
  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') throw new AppError(ErrorCode.unauthenticated, `sign in first: ${how}`);
    const principal = await authenticateBearer(db, authorization, clock.now(), how);
    return { sees: visibleTeamIds(principal), feeds: teamIdsWithRole(principal, 'developer') };
  };
}
