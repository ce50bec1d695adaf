import { AppError, ErrorCode } from '../errors/app-error.js';

/** Where a secret applies: one environment of a project, or (environment null) all of the project. */
export interface SecretScope {
  projectId: number;
  /** null: project-wide. */
  environment: string | null;
}

/** What may be shown about a secret: everything but its value. */
export interface SecretSummary extends SecretScope {
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export const secretSummaryColumns =
  'project_id AS "projectId", environment, name, created_at AS "createdAt", updated_at AS "updatedAt"';

const namePattern = /^[A-Z_][A-Z0-9_]*$/;
const maxNameLength = 255;
const maxEnvironmentLength = 255;
/** Measured in UTF-8 bytes: the size the value has in a job's environment. */
export const maxSecretValueBytes = 64 * 1024;

/** Names become environment variables of jobs, hence the shell's rules, upper case only. */
export function checkSecretName(name: string): void {
  if (!namePattern.test(name) || name.length > maxNameLength) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `secret name ${JSON.stringify(name)} is not valid: use upper-case letters, digits and _ (not starting with a digit), at most ${maxNameLength} characters, e.g. DEPLOY_TOKEN`,
    );
  }
}

/** undefined and null both mean project-wide; '' is refused rather than silently taken for either. */
export function normalizeEnvironment(environment: string | null | undefined): string | null {
  if (environment === undefined || environment === null) return null;
  if (environment.trim() === '' || environment.length > maxEnvironmentLength) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `environment ${JSON.stringify(environment)} is not valid: give a name of 1..${maxEnvironmentLength} characters, or none for a project-wide secret`,
    );
  }
  return environment;
}

/**
 * The additional authenticated data of a secret's ciphertext: the row it belongs to. A ciphertext
 * copied to another project, environment or name then fails to decrypt instead of leaking there.
 */
export function secretAad(scope: SecretScope, name: string): string {
  return JSON.stringify(['slipway secret v1', scope.projectId, scope.environment, name]);
}

export function describeSecret(scope: SecretScope, name: string): string {
  const where = scope.environment === null ? 'project-wide' : `environment ${JSON.stringify(scope.environment)}`;
  return `secret ${name} of project ${scope.projectId} (${where})`;
}
