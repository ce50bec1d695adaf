import { type Command, InvalidArgumentError } from 'commander';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { ApiApproval } from '../deploy-api-client.js';
import { formatAge, formatTable } from '../format-table.js';
import { addIdentityOptions, deployClientFor, type IdentityOptions } from '../identity-option.js';
import type { CommandResult } from '../main.js';
import { addServerOption } from '../server-option.js';

interface DecideOptions extends IdentityOptions {
  comment?: string;
}

interface ListOptions extends IdentityOptions {
  pending?: boolean;
  status?: string;
  project?: string;
}

function parseId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected an approval request id (a whole number ≥ 1, see \`slipway approvals --pending\`), got '${value}'`);
  return n;
}

/** `slipway approve ID`, `slipway reject ID --comment C`, `slipway approvals [--pending]`. */
export function registerApproveCommand(program: Command, result: CommandResult): void {
  for (const decision of ['approve', 'reject'] as const) {
    const verb = decision === 'approve' ? 'approved' : 'rejected';
    addIdentityOptions(
      addServerOption(
        program
          .command(decision)
          .argument('<id>', 'the approval request, from `slipway approvals --pending`', parseId)
          .summary(decision === 'approve' ? 'approve a deployment waiting at its gate' : 'reject a deployment waiting at its gate (with a comment saying why)')
          .description(
            `Record your ${decision === 'approve' ? 'approval' : 'rejection'} of a pending approval request. Every decision is recorded with ` +
              "its comment; one per person per request, and never by the change's own author.",
          )
          .addHelpText('after', `\nExamples:\n  slipway ${decision} 42 --comment '${decision === 'approve' ? 'looks good' : 'not during the incident'}'\n`)
          .option('--comment <text>', decision === 'approve' ? 'why (optional)' : 'why (required)'),
      ),
    ).action(async (id: number, options: DecideOptions) => {
      if (decision === 'reject' && !options.comment?.trim()) {
        throw new AppError(ErrorCode.invalidArgument, `rejecting approval request ${id} needs --comment saying why: the author reads it`);
      }
      const approval = await deployClientFor(options).decide(id, decision, options.comment);
      process.stdout.write(`${verb} approval request ${id}: it is now ${approval.status}\n${approval.reasons.map((r) => `  ${r}\n`).join('')}`);
      result.exitCode = 0;
    });
  }

  addServerOption(
    program
      .command('approvals')
      .summary('list approval requests (the gates deployments wait at)')
      .addHelpText('after', '\nExamples:\n  slipway approvals --pending\n  slipway approvals --project acme/web --status rejected\n')
      .option('--pending', 'only those waiting for a decision (same as --status pending)')
      .option('--status <status>', 'pending, approved, rejected, expired or auto-approved')
      .option('--project <project>', 'only this project\'s'),
  ).action(async (options: ListOptions) => {
    const status = options.pending ? 'pending' : options.status;
    const approvals = await deployClientFor(options).listApprovals({
      ...(status === undefined ? {} : { status }),
      ...(options.project === undefined ? {} : { project: options.project }),
    });
    if (approvals.length === 0) {
      process.stdout.write(`no${status === undefined ? '' : ` ${status}`} approval requests\n`);
    } else {
      process.stdout.write(`${formatApprovals(approvals)}\n`);
    }
    result.exitCode = 0;
  });
}

function formatApprovals(approvals: readonly ApiApproval[]): string {
  const now = Date.now();
  const rows = approvals.map((a) => {
    const approvers = a.decisions.filter((d) => d.decision === 'approve').length;
    const where = a.environment ?? (a.jobKey === null ? '(inline)' : `(inline: ${a.jobKey})`);
    return [String(a.id), a.status, where, `${a.author}@${a.branch}`, `${approvers}/${a.requiredApprovals}`, a.riskScore === null ? '-' : String(a.riskScore), `${formatAge(a.createdAt, now)} ago`, a.reasons[0] ?? ''];
  });
  return formatTable(['ID', 'STATUS', 'ENVIRONMENT', 'CHANGE', 'APPROVALS', 'RISK', 'OPENED', 'WHY'], rows);
}
