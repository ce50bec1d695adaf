import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { ProtectionRules } from './protection-rules.js';

/** A named place a project deploys to, with the rules a deployment must satisfy there. */
export interface Environment {
  id: number;
  projectId: number;
  name: string;
  rules: ProtectionRules;
  /** 1 on creation, +1 per update: pass it back as expectedVersion to update without losing a concurrent change. */
  version: number;
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export const environmentColumns = `id, project_id AS "projectId", name, rules, version, created_by AS "createdBy",
  updated_by AS "updatedBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** bigint columns come back as numbers already; ids are normalised in case a driver hands back strings. */
export function toEnvironment(row: Environment): Environment {
  return { ...row, id: Number(row.id), projectId: Number(row.projectId) };
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function checkEnvironmentName(name: string): void {
  if (!namePattern.test(name)) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `environment name ${JSON.stringify(name)} is not valid: use 1..63 letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. production)`,
    );
  }
}

/** The roles that may create, change and delete environments, until RBAC (issue 6) defines them. */
export const maintainerRoles: readonly string[] = ['maintainer', 'admin'];

/** Refuses a change of environments by someone who is not a maintainer. */
export function checkMaintainer(actor: string, role: string): void {
  if (!maintainerRoles.includes(role)) {
    throw new AppError(
      ErrorCode.permissionDenied,
      `${actor} has role ${role}: only ${maintainerRoles.join(' or ')} may change environments and their protection rules`,
      { details: { reason: 'not_a_maintainer', actor, role } },
    );
  }
}
