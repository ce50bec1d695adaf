import { type Command, InvalidArgumentError } from 'commander';
import { type DecisionRecord, formatDecisionEvidence, formatDecisionLine, toEngineDecision } from '../../canary/index.js';
import { resolveServerUrl } from '../api-client.js';
import { createCanaryApiClient } from '../canary-api-client.js';
import type { CommandResult } from '../main.js';
import { addServerOption, type ServerOptions } from '../server-option.js';

interface WatchOptions extends ServerOptions {
  rollout?: string;
  service?: string;
  after?: number;
  count?: number;
}

function parseWhole(what: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected ${what} (a whole number ≥ ${min}), got '${value}'`);
    return n;
  };
}

/** One decision per line: its sequence (for `rollouts explain`), then the engine's timeline line. */
export function formatDecisionRecordLine(decision: DecisionRecord): string {
  return `#${decision.sequence}  ${decision.service}  ${formatDecisionLine(toEngineDecision(decision))}`;
}

/** `slipway rollouts watch|explain|get`: the canary engine's decisions, from the server's API. */
export function registerRolloutsCommand(program: Command, result: CommandResult): void {
  const rollouts = program
    .command('rollouts')
    .summary('watch and explain canary decisions (PROMOTE, PAUSE, ROLLBACK)')
    .description('The canary engine judges each canary rollout by its policy and records every decision with its evidence.');
  const clientOf = (options: ServerOptions) => createCanaryApiClient(resolveServerUrl(options.server, process.env));

  addServerOption(
    rollouts
      .command('watch')
      .summary('stream decisions as they are made, one line each')
      .description('Prints the stored decisions after --after, then each new one as it is made, until Ctrl-C (or --count decisions).')
      .addHelpText('after', '\nExamples:\n  slipway rollouts watch\n  slipway rollouts watch --service web --after 120\n  slipway rollouts watch --rollout deployment-42 --count 1\n')
      .option('--rollout <id>', 'only this rollout (a canary deployment N is rollout deployment-N)')
      .option('--service <name>', "only this service's rollouts")
      .option('--after <sequence>', 'start after this decision sequence (default 0: every stored decision)', parseWhole('a decision sequence', 0))
      .option('--count <n>', 'exit after printing this many decisions', parseWhole('a count', 1)),
  ).action(async (options: WatchOptions) => {
    const client = clientOf(options);
    let after = options.after ?? 0;
    let printed = 0;
    for (;;) {
      const page = await client.listDecisions({
        after,
        wait: true,
        ...(options.rollout ? { rollout: options.rollout } : {}),
        ...(options.service ? { service: options.service } : {}),
      });
      for (const decision of page.decisions) {
        process.stdout.write(`${formatDecisionRecordLine(decision)}\n`);
        printed += 1;
        if (options.count !== undefined && printed >= options.count) {
          result.exitCode = 0;
          return;
        }
      }
      after = page.next;
    }
  });

  addServerOption(
    rollouts
      .command('explain')
      .argument('<sequence>', 'the decision, by the #sequence `rollouts watch` prints', parseWhole('a decision sequence', 1))
      .summary("print a decision's evidence: every rule, its numbers and its verdict")
      .addHelpText('after', '\nExamples:\n  slipway rollouts explain 17\n'),
  ).action(async (sequence: number, options: ServerOptions) => {
    const decision = await clientOf(options).getDecision(sequence);
    process.stdout.write(`decision #${decision.sequence} of service ${decision.service}, recorded ${new Date(decision.createdAtMs).toISOString()}\n`);
    process.stdout.write(`${formatDecisionEvidence(toEngineDecision(decision))}\n`);
    result.exitCode = 0;
  });

  addServerOption(
    rollouts
      .command('get')
      .argument('<id>', 'the rollout id, e.g. deployment-42')
      .summary("show a rollout: its service, step, state and pinned policy version")
      .addHelpText('after', '\nExamples:\n  slipway rollouts get deployment-42\n'),
  ).action(async (id: string, options: ServerOptions) => {
    const { rollout, engine } = await clientOf(options).getRollout(id);
    const lines = [
      `rollout  ${rollout.id}`,
      `service  ${rollout.service}`,
      `created  ${new Date(rollout.createdAtMs).toISOString()}`,
      `policy   ${engine?.policyVersion ?? rollout.policyVersion}${engine ? '' : ' (as registered)'}`,
      engine
        ? `engine   step ${engine.step} ${engine.state} since ${new Date(engine.stepStartedMs).toISOString()}`
        : "engine   not judging it in this server (not started yet, or another replica's)",
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    result.exitCode = 0;
  });
}
