import { type Command, InvalidArgumentError } from 'commander';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { parseDurationMs } from '../../pipeline/parse-duration.js';
import { resolveServerUrl } from '../api-client.js';
import { type ApiAuditEntry, createAuditApiClient } from '../audit-api-client.js';
import { formatTable } from '../format-table.js';
import type { CommandResult } from '../main.js';
import { addServerOption, type ServerOptions } from '../server-option.js';
import { parsePositiveInt } from './parse-number.js';

interface ListOptions extends ServerOptions {
  project?: string;
  actor?: string;
  action?: string;
  since?: string;
  until?: string;
  after?: number;
  limit: number;
  json?: boolean;
}

interface VerifyOptions extends ServerOptions {
  json?: boolean;
}

/** `1h`, `30m`, `7d` (that long before now) or an ISO time, as an ISO time for the API. */
export function parseAuditTime(value: string, nowMs: number): string {
  const ms = parseDurationMs(value);
  if (ms !== undefined) return new Date(nowMs - ms).toISOString();
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  // An AppError, not commander's InvalidArgumentError: this runs in the action, where the latter would exit silently.
  throw new AppError(ErrorCode.invalidArgument, `expected a duration back from now (30m, 1h, 7d) or an ISO time (2026-01-31T12:00:00Z), got '${value}'`);
}

function parseSeq(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected an audit entry seq (a whole number ≥ 0), got '${value}'`);
  return n;
}

const auditClientFor = (options: ServerOptions) => createAuditApiClient(resolveServerUrl(options.server, process.env));

/** `slipway audit list` and `slipway audit verify`. */
export function registerAuditCommand(program: Command, result: CommandResult): void {
  const audit = program
    .command('audit')
    .summary('read and verify the audit log of a Slipway server')
    .description(
      'Every mutating action (trigger, cancel, approve, reject, deploy, promote, abort, rollback, secret and ' +
        'environment changes) is appended to a hash-chained audit log with its actor, time, subject and ' +
        'before/after metadata (never a secret value). `list` filters it; `verify` recomputes the chain.',
    )
    .addHelpText('after', '\nExamples:\n  slipway audit list --project acme/web --since 1h\n  slipway audit list --actor mia --action secret.set --json\n  slipway audit verify\n');

  addServerOption(
    audit
      .command('list')
      .summary('list audit entries, oldest first')
      .option('--project <name>', 'only this project\'s entries')
      .option('--actor <name>', 'only entries by this actor')
      .option('--action <action>', 'only this action, e.g. secret.set, environment.put, deployment.rollback')
      .option('--since <when>', 'only entries from this long ago (30m, 1h, 7d) or this ISO time on')
      .option('--until <when>', 'only entries before this (same forms as --since)')
      .option('--after <seq>', 'only entries after this seq (the next page)', parseSeq)
      .option('--limit <n>', 'at most this many entries (≤ 1000)', parsePositiveInt, 100)
      .option('--json', 'print the entries as JSON, one object per line'),
  ).action(async (options: ListOptions) => {
    const nowMs = Date.now();
    const page = await auditClientFor(options).listAudit({
      project: options.project,
      actor: options.actor,
      action: options.action,
      since: options.since === undefined ? undefined : parseAuditTime(options.since, nowMs),
      until: options.until === undefined ? undefined : parseAuditTime(options.until, nowMs),
      after: options.after,
      limit: options.limit,
    });
    if (options.json) {
      process.stdout.write(page.entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    } else if (page.entries.length === 0) {
      process.stdout.write('no audit entries match\n');
    } else {
      process.stdout.write(`${formatTable(['SEQ', 'AT', 'ACTOR', 'ROLE', 'ACTION', 'SUBJECT', 'PROJECT'], page.entries.map(toRow))}\n`);
      if (page.nextAfter !== undefined) process.stdout.write(`more entries: add --after ${page.nextAfter}\n`);
    }
    result.exitCode = 0;
  });

  addServerOption(
    audit
      .command('verify')
      .summary('recompute the audit log\'s hash chain; exit 1 naming the first bad entry')
      .description(
        'Recompute every entry\'s hash in seq order and check each links to the one before it. Exit 0 when the ' +
          'log is intact; otherwise exit 1 and name the first bad entry and why: edited (a field changed), ' +
          'deleted (a seq is missing), reordered (rows renumbered or swapped) or inserted (written around the log).',
      )
      .option('--json', 'print the report as JSON'),
  ).action(async (options: VerifyOptions) => {
    const report = await auditClientFor(options).verifyAudit();
    if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else if (report.ok) process.stdout.write(`audit log intact: ${report.entries} entries verified\n`);
    else process.stdout.write(`audit log tampered: entry ${report.firstBad!.seq} ${report.firstBad!.reason} — ${report.firstBad!.message}\n`);
    result.exitCode = report.ok ? 0 : 1;
  });
}

function toRow(entry: ApiAuditEntry): string[] {
  return [String(entry.seq), entry.at, entry.actor, entry.role || '-', entry.action, `${entry.subject.type} ${entry.subject.id}`, entry.project ?? '-'];
}
