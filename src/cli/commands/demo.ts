import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runDemo } from '../../demo/run-demo.js';
import { resolveServerUrl } from '../api-client.js';
import type { CommandResult } from '../main.js';
import { addServerOption, type ServerOptions } from '../server-option.js';
import { parsePositiveInt } from './parse-number.js';

interface DemoCommandOptions extends ServerOptions {
  dir?: string;
  project?: string;
  rate?: number;
}

/** `slipway demo`: the canary scenario of examples/hello-service against a running server. */
export function registerDemoCommand(program: Command, result: CommandResult): void {
  addServerOption(
    program
      .command('demo')
      .summary('push three versions of a sample service through a running server: deploy, canary rollback, promotion')
      .description(
        'Against a running server (`npm start`): creates a git repository from examples/hello-service, sets the ' +
          "example's canary policy and the environments staging and production, and pushes v1 (build → test → " +
          'deploy staging → verify → deploy production), v2 with 5% injected errors (its canary is rolled back by ' +
          "the engine; the decision's evidence is printed) and v3 (promoted through every canary step), with " +
          'synthetic traffic to both environments from v1 on. Prints each phase with its duration and the traffic totals.',
      )
      .addHelpText('after', '\nExamples:\n  npm start   # in another terminal\n  slipway demo\n  slipway demo --server http://localhost:9090 --dir ./demo-work\n')
      .option('--dir <path>', 'where the demo keeps its git repository, reused by the next demo (default: the system temp directory)')
      .option('--project <name>', 'project name (default demo/hello; a rerun reuses its repository under --dir)')
      .option('--rate <req/s>', 'synthetic requests per second to each environment (default 40)', parsePositiveInt),
  ).action(async (options: DemoCommandOptions) => {
    await runDemo({
      serverUrl: resolveServerUrl(options.server, process.env),
      parentDir: resolve(options.dir ?? tmpdir()),
      ...(options.project ? { project: options.project } : {}),
      ...(options.rate ? { ratePerHost: options.rate } : {}),
      write: (line) => process.stdout.write(`${line}\n`),
    });
    result.exitCode = 0;
  });
}
