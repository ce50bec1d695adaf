import { z } from 'zod';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { describeCronProblem } from '../../pipeline/index.js';

/** A role that may approve: free-form until RBAC (issue 6) names the roles. */
export const roleNamePattern = /^[a-z][a-z0-9_-]{0,62}$/;
const roleName = z.string().regex(roleNamePattern, 'must be a role name like maintainer (lower case letters, digits, _ or -)');

/** A wait timer longer than this is a freeze in disguise: declare a freeze window instead. */
export const maxWaitTimerSeconds = 30 * 86_400;
/** Longer freezes are start/end windows, not repeating ones. */
export const maxFreezeDurationSeconds = 14 * 86_400;

const freezeWindowSchema = z
  .strictObject({
    cron: z.string().min(1).optional(),
    durationSeconds: z.number().int().positive().max(maxFreezeDurationSeconds).optional(),
    start: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with a zone, e.g. 2026-12-24T00:00:00Z' }).optional(),
    end: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with a zone, e.g. 2026-12-27T00:00:00Z' }).optional(),
    timezone: z.string().min(1).default('UTC'),
    reason: z.string().trim().min(1, 'must say why the environment is frozen').max(500),
  })
  .superRefine((window, ctx) => {
    const repeating = window.cron !== undefined || window.durationSeconds !== undefined;
    const fixed = window.start !== undefined || window.end !== undefined;
    if (repeating === fixed) {
      ctx.addIssue({ code: 'custom', message: 'a freeze window is either {cron, durationSeconds} (repeating) or {start, end} (once), not both or neither' });
      return;
    }
    if (repeating) {
      if (window.cron === undefined || window.durationSeconds === undefined) {
        ctx.addIssue({ code: 'custom', message: 'a repeating freeze window needs both cron (when it starts) and durationSeconds (how long it lasts)' });
      } else {
        const problem = describeCronProblem(window.cron);
        if (problem) ctx.addIssue({ code: 'custom', path: ['cron'], message: problem });
      }
    } else if (window.start === undefined || window.end === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a one-off freeze window needs both start and end' });
    } else if (Date.parse(window.end) <= Date.parse(window.start)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
    }
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: window.timezone });
    } catch {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: "must be an IANA time zone like 'UTC' or 'Europe/Berlin'" });
    }
  });

/**
 * What an environment demands before a deployment proceeds. Set by maintainers over the API, never by
 * the pipeline file: a pull request must not be able to loosen its own gate.
 */
export const protectionRulesSchema = z.strictObject({
  requiredApprovals: z
    .strictObject({
      count: z.number().int().min(0).max(10, 'must be at most 10 approvals'),
      /** Roles whose approvals count; by default maintainers'. */
      roles: z.array(roleName).min(1, 'must name at least one role').default(['maintainer']),
    })
    .optional(),
  /** picomatch globs of branches that may deploy here; empty: any branch. */
  branches: z.array(z.string().trim().min(1, 'must not be empty')).default([]),
  /** Time a deployment waits after its gate opens, even when approved (a soak period). */
  waitTimerSeconds: z.number().int().min(0).max(maxWaitTimerSeconds, 'must be at most 30 days: use a freeze window for longer').default(0),
  freezeWindows: z.array(freezeWindowSchema).max(50).default([]),
  /** Gates whose risk score is at most maxRisk need no human approval. */
  autoApprove: z.strictObject({ maxRisk: z.number().int().min(0).max(100) }).optional(),
});

export type ProtectionRules = z.output<typeof protectionRulesSchema>;
export type ProtectionRulesInput = z.input<typeof protectionRulesSchema>;
export type FreezeWindow = ProtectionRules['freezeWindows'][number];

/** Validated, defaulted rules; every problem is listed in one invalid_argument error. */
export function parseProtectionRules(value: unknown, where = 'protection rules'): ProtectionRules {
  const parsed = protectionRulesSchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw new AppError(ErrorCode.invalidArgument, `invalid ${where}: ${problems}`, { cause: parsed.error });
}

/** The roles whose approvals count (maintainers' when the rules name none). */
export function approverRoles(rules: ProtectionRules): readonly string[] {
  return rules.requiredApprovals?.roles ?? ['maintainer'];
}
