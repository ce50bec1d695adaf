import type { ApiOperation } from './api-operation.js';
import { agentOperations } from './operations/agent-operations.js';
import { deployOperations } from './operations/deploy-operations.js';
import { identityOperations } from './operations/identity-operations.js';
import { platformOperations } from './operations/platform-operations.js';
import { runOperations } from './operations/run-operations.js';

/** Every documented route; openapi-coverage.test.ts fails when a registered route is missing here. */
export const apiOperations: readonly ApiOperation[] = [...runOperations, ...agentOperations, ...deployOperations, ...platformOperations, ...identityOperations];
