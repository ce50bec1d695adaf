import { type ActionRegistry, createActionRegistry } from './action.js';
import { createGitCheckoutAction } from './git-checkout.js';

/** The actions every runner knows; `uses:` names resolve against this. */
export function createBuiltInActions(): ActionRegistry {
  return createActionRegistry([createGitCheckoutAction()]);
}
