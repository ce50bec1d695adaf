import { type ActionRegistry, createActionRegistry } from './action.js';
import { createDeployAction } from './deploy.js';
import type { DeployStepClient } from './deploy-step-client.js';
import { createGitCheckoutAction } from './git-checkout.js';

export interface BuiltInActionsOptions {
  /** The server side of `uses: deploy` (an agent's job routes); absent in a local run. */
  deploySteps?: DeployStepClient;
}

/** The actions every runner knows; `uses:` names resolve against this. */
export function createBuiltInActions(options: BuiltInActionsOptions = {}): ActionRegistry {
  return createActionRegistry([
    createGitCheckoutAction(),
    createDeployAction(options.deploySteps ? { client: options.deploySteps } : {}),
  ]);
}
