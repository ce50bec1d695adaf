import { relative } from 'node:path';
import type { Command } from 'commander';
import { formatDecisionLine, loadPolicyFile, type Policy, readTelemetryFile, runBacktest } from '../../canary/index.js';
import { type Diagnostic, formatDiagnostic } from '../../pipeline/index.js';
import type { CommandResult } from '../main.js';

export function registerPolicyCommand(program: Command, result: CommandResult): void {
  const policy = program
    .command('policy')
    .summary('check canary policies and replay recorded telemetry through them')
    .description('Canary policies: validate a policy file, or backtest one against recorded telemetry.');

  policy
    .command('validate')
    .argument('<file>', 'policy file (.yml)')
    .summary('check a policy file and print every problem as file:line:col')
    .option('--json', 'print the diagnostics (or the policy with its version) as JSON')
    .addHelpText('after', '\nExample:\n  slipway policy validate canary-policy.yml\n')
    .action(async (file: string, options: { json?: boolean }) => {
      const parsed = await loadPolicyFile(file);
      if (!parsed.ok) return reportInvalid(file, parsed.diagnostics, options.json === true, result);
      if (options.json) process.stdout.write(`${JSON.stringify({ ok: true, policy: parsed.policy })}\n`);
      else process.stdout.write(`${file}: valid — policy '${parsed.policy.name}' ${parsed.policy.version}, ${describeRules(parsed.policy)}\n`);
    });

  policy
    .command('test')
    .summary('replay recorded telemetry through a policy and print the decisions')
    .description(
      'Replay recorded telemetry (ndjson: one event or step record per line, as the engine records ' +
        'it) through the same engine the server runs, and print the decisions timeline: time, rollout, ' +
        'step, action, verdict, and the rule and values behind each. Decisions equal the live ones for ' +
        'the same input.',
    )
    .requiredOption('--policy <file>', 'policy file (.yml)')
    .requiredOption('--telemetry <file>', 'recorded telemetry (.ndjson)')
    .option('--all', 'print every evaluation, NONE included, not only decisions')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  slipway policy test --policy canary-policy.yml --telemetry recorded.ndjson\n')
    .action(async (options: { policy: string; telemetry: string; all?: boolean; json?: boolean }) => {
      const parsed = await loadPolicyFile(options.policy);
      if (!parsed.ok) return reportInvalid(options.policy, parsed.diagnostics, options.json === true, result);
      const backtest = await runBacktest({ policy: parsed.policy, records: readTelemetryFile(options.telemetry) });
      const shown = options.all ? backtest.evaluations : backtest.decisions;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ok: true, ...backtest, evaluations: options.all ? backtest.evaluations : undefined })}\n`);
        return;
      }
      const out = [`policy '${parsed.policy.name}' ${parsed.policy.version} (${describeRules(parsed.policy)})`];
      for (const decision of shown) out.push(formatDecisionLine(decision));
      if (shown.length === 0) out.push(options.all ? '(no window was evaluated)' : '(no decisions: every evaluation was NONE — run with --all to see them)');
      const rejected = Object.entries(backtest.rejected).filter(([, n]) => n > 0);
      const rejectedText = rejected.length === 0 ? '0 rejected' : `rejected ${rejected.map(([reason, n]) => `${reason} ${n}`).join(', ')}`;
      const finals = backtest.rollouts.map((r) => `${r.id} ${r.state} at step ${r.step}`).join(', ');
      out.push(`${backtest.events} events (${rejectedText}), ${backtest.evaluations.length} evaluations, ${backtest.decisions.length} decisions; ${finals || 'no rollouts'}`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
}

function describeRules(policy: Policy): string {
  return `${policy.rules.length} rule${policy.rules.length === 1 ? '' : 's'}`;
}

function reportInvalid(file: string, diagnostics: Diagnostic[], json: boolean, result: CommandResult): void {
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, diagnostics })}\n`);
  else {
    for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    process.stderr.write(`${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'} in ${relative('.', file) || file}\n`);
  }
  result.exitCode = 1;
}
