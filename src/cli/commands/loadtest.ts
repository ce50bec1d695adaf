import { writeFile } from 'node:fs/promises';
import { type Command, CommanderError } from 'commander';
import { formatLoadReport, verifyWithLoadTest } from '../../deploy/verify/index.js';
import { isAppError } from '../../errors/app-error.js';
import { parseDurationMs } from '../../pipeline/parse-duration.js';
import type { CommandResult } from '../main.js';

interface LoadtestFlags {
  method: string;
  header: string[];
  body?: string;
  concurrency: string;
  rate?: string;
  requests?: string;
  duration?: string;
  warmup?: string;
  path: string[];
  timeout: string;
  seed: string;
  okStatus: string;
  threshold: string[];
  json?: boolean;
  out?: string;
}

/** Exit status for bad input, distinct from 1 (a threshold failed) so a pipeline can tell them apart. */
const BAD_INPUT = 2;

export function registerLoadtestCommand(program: Command, result: CommandResult): void {
  program
    .command('loadtest')
    .argument('<url>', 'http:// target, e.g. http://127.0.0.1:8080/health')
    .summary('put load on a URL and check latency and success thresholds')
    .description(
      'Send requests to a URL for a count or a duration and report avg, p50, p90, p95, p99, max, success ' +
        'rate, req/s and failures (HTTP errors, timeouts, connection errors). Without --rate, --concurrency ' +
        'workers send back to back (closed model); with --rate, requests start on schedule (open model).\n\n' +
        'Exit status: 0 when every threshold held, 1 when one failed, 2 on bad input.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  slipway loadtest http://127.0.0.1:8080/ --requests 1000 --concurrency 20\n' +
        '  slipway loadtest http://127.0.0.1:8080 --rate 200 --duration 30s --path /a --path /b \\\n' +
        '      --threshold p99<200ms --threshold success>=99.5% --out loadtest-report.json\n',
    )
    .option('-X, --method <method>', 'HTTP method', 'GET')
    .option('-H, --header <name:value>', 'request header (repeatable)', collect, [])
    .option('--body <text>', 'request body')
    .option('-c, --concurrency <n>', 'requests in flight at once', '10')
    .option('--rate <req/s>', 'start requests at this rate (open model)')
    .option('-n, --requests <n>', 'stop after this many requests')
    .option('-d, --duration <duration>', 'stop after this long, e.g. 30s (default 10s unless --requests)')
    .option('--warmup <duration>', 'load first for this long, e.g. 5s, on the same connections, and discard its results')
    .option('--path <path>', 'path picked at random per request (repeatable)', collect, [])
    .option('--timeout <duration>', 'per-request timeout', '5s')
    .option('--seed <n>', 'seed of the random path choice', '1')
    .option('--ok-status <min-max>', 'statuses counted as success', '200-399')
    .option('--threshold <expr>', 'must hold, e.g. p99<200ms, success>=99.5%, rps>=100 (repeatable)', collect, [])
    .option('--json', 'print the JSON report instead of the table')
    .option('--out <file>', 'also write the JSON report to this file (the step artifact)')
    .exitOverride((error) => {
      // Usage errors (unknown option, missing URL) are bad input too; --help stays 0.
      throw error.exitCode === 0 ? error : new CommanderError(BAD_INPUT, error.code, error.message);
    })
    .action(async (url: string, flags: LoadtestFlags) => {
      const problems: string[] = [];
      const input = toOptionsInput(url, flags, problems);
      if (problems.length > 0) {
        process.stderr.write(`slipway loadtest: ${problems.join('\n  ')}\n`);
        result.exitCode = BAD_INPUT;
        return;
      }
      const interrupt = new AbortController();
      const onSignal = () => interrupt.abort();
      process.once('SIGINT', onSignal);
      try {
        // This process exists to run the test: collect the CLI's start-up garbage before the clock starts.
        const { report } = await verifyWithLoadTest(input, { signal: interrupt.signal, settleHeapBeforeRun: true });
        const json = `${JSON.stringify(report, null, 2)}\n`;
        if (flags.out !== undefined) await writeFile(flags.out, json);
        process.stdout.write(flags.json ? json : formatLoadReport(report));
        result.exitCode = report.passed ? 0 : 1;
      } catch (error) {
        if (!isAppError(error)) throw error;
        process.stderr.write(`slipway loadtest: ${error.message}\n`);
        result.exitCode = BAD_INPUT;
      } finally {
        process.off('SIGINT', onSignal);
      }
    });
}

/** Flags → the options input; flag-level problems (not a number, not a duration) go to `problems`. */
function toOptionsInput(url: string, flags: LoadtestFlags, problems: string[]): Record<string, unknown> {
  const number = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) problems.push(`${flag}: expected a number, got '${text}'`);
    return n;
  };
  const duration = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const ms = parseDurationMs(text);
    if (ms === undefined) problems.push(`${flag}: expected a duration like 500ms, 10s or 2m, got '${text}'`);
    return ms;
  };
  const headers: Record<string, string> = {};
  for (const header of flags.header) {
    const colon = header.indexOf(':');
    if (colon <= 0) problems.push(`--header: expected 'Name: value', got '${header}'`);
    else headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  const status = /^(\d{3})-(\d{3})$/.exec(flags.okStatus);
  if (!status) problems.push(`--ok-status: expected a range like 200-399, got '${flags.okStatus}'`);
  return {
    url,
    method: flags.method.toUpperCase(),
    headers,
    body: flags.body,
    concurrency: number('--concurrency', flags.concurrency),
    rate: number('--rate', flags.rate),
    requests: number('--requests', flags.requests),
    durationMs: duration('--duration', flags.duration),
    warmupMs: duration('--warmup', flags.warmup),
    paths: flags.path.length > 0 ? flags.path : undefined,
    timeoutMs: duration('--timeout', flags.timeout),
    seed: number('--seed', flags.seed),
    okStatusMin: status ? Number(status[1]) : undefined,
    okStatusMax: status ? Number(status[2]) : undefined,
    thresholds: flags.threshold,
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
