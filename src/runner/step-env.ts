import type { PlannedJob, PlannedStep } from '../pipeline/model.js';

/**
 * The environment a step sees: the base (the runner's own environment), then the step's merged
 * env, then Slipway's variables, which a pipeline cannot override.
 */
export function buildStepEnv(
  baseEnv: Record<string, string | undefined>,
  job: Pick<PlannedJob, 'id'>,
  step: Pick<PlannedStep, 'env'>,
  workspaceDir: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(baseEnv)) {
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, step.env);
  env['CI'] = 'true';
  env['SLIPWAY'] = 'true';
  env['SLIPWAY_JOB_ID'] = job.id;
  env['SLIPWAY_WORKSPACE'] = workspaceDir;
  return env;
}
