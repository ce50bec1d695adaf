import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../clock/clock.js';
import { AppError, ErrorCode } from '../errors/app-error.js';

/** The bin of this checkout: `slipway demo` runs as its own process, a client like any other. */
const slipwayBin = fileURLToPath(new URL('../../bin/slipway.js', import.meta.url));
const maxLines = 2000;

export interface DemoRun {
  status: 'running' | 'succeeded' | 'failed';
  startedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** What `slipway demo` printed (stdout and stderr), oldest first, at most the last 2,000 lines. */
  lines: string[];
  exitCode: number | null;
}

export interface DemoRunnerOptions {
  clock: Clock;
  /** Where this server answers (known once it listens). */
  serverUrl(): string;
  /** Where the demo keeps its git repository (reused by the next demo). */
  workDir: string;
}

export interface DemoRunner {
  /** Starts `slipway demo` acting with `token`; refuses while one runs. */
  start(input: { startedBy: string; token: string }): DemoRun;
  /** The running or last demo; undefined before the first. */
  read(): DemoRun | undefined;
  /** Stops a running demo (its process), for the server's shutdown. */
  close(): Promise<void>;
}

/**
 * The web UI's "Run the demo" button: one `slipway demo` at a time per server, run as a child
 * process against this server's own API with a short-lived token of the person who pressed it, its
 * output kept for the page to show while it runs.
 */
export function createDemoRunner(options: DemoRunnerOptions): DemoRunner {
  let current: DemoRun | undefined;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  return {
    start({ startedBy, token }) {
      if (current?.status === 'running') {
        throw new AppError(ErrorCode.conflict, `a demo started by ${current.startedBy} is still running: watch it, or wait for it to finish`);
      }
      const run: DemoRun = { status: 'running', startedBy, startedAt: new Date(options.clock.now()), finishedAt: null, lines: [], exitCode: null };
      current = run;
      const process_ = spawn(process.execPath, [slipwayBin, 'demo', '--server', options.serverUrl(), '--dir', options.workDir], {
        env: { ...process.env, SLIPWAY_TOKEN: token, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = process_;
      let partial = '';
      const take = (chunk: string) => {
        const text = partial + chunk;
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        run.lines.push(...lines);
        if (run.lines.length > maxLines) run.lines.splice(0, run.lines.length - maxLines);
      };
      process_.stdout.setEncoding('utf8').on('data', take);
      process_.stderr.setEncoding('utf8').on('data', take);
      exited = new Promise((resolve) => {
        const finish = (code: number | null, why?: string) => {
          if (partial !== '') run.lines.push(partial);
          if (why) run.lines.push(why);
          run.exitCode = code;
          run.status = code === 0 ? 'succeeded' : 'failed';
          run.finishedAt = new Date(options.clock.now());
          child = undefined;
          resolve();
        };
        process_.once('error', (error) => finish(null, `the demo could not start: ${error.message}`));
        process_.once('close', (code, signal) => finish(code, signal ? `the demo was stopped (${signal})` : undefined));
      });
      return run;
    },
    read: () => current,
    async close() {
      child?.kill('SIGTERM');
      await exited;
    },
  };
}
