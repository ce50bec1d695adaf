import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Plan, PlannedJob, PlannedStep } from '../../pipeline/model.js';

/** Test-only builders and probes; production code never imports this folder. */

export function makeStep(fields: Partial<PlannedStep> & { name: string }): PlannedStep {
  return { index: 0, with: {}, env: {}, retry: 0, continueOnError: false, network: true, ...fields };
}

/** Steps get their index from their position. */
export function makeJob(id: string, steps: Array<Partial<PlannedStep>>, fields: Partial<PlannedJob> = {}): PlannedJob {
  return {
    id,
    stage: id,
    matrix: {},
    needs: [],
    if: 'success',
    continueOnError: false,
    retry: 0,
    runsOn: [],
    cache: [],
    steps: steps.map((step, index) => makeStep({ name: `step${index + 1}`, ...step, index })),
    ...fields,
  };
}

export function makePlan(jobs: PlannedJob[]): Plan {
  return { name: 'test', jobs };
}

export interface TempDirs {
  make(prefix?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export function createTempDirs(): TempDirs {
  const made: string[] = [];
  return {
    async make(prefix = 'slipway-runner-') {
      const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

const gitIdentity = {
  GIT_AUTHOR_NAME: 'Slipway Test',
  GIT_AUTHOR_EMAIL: 'test@slipway.invalid',
  GIT_COMMITTER_NAME: 'Slipway Test',
  GIT_COMMITTER_EMAIL: 'test@slipway.invalid',
  // The developer's own git config (signing, hooks, default branch) must not change test results.
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs git in `cwd` and returns its stdout without the trailing newline. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...gitIdentity }, encoding: 'utf8' }).trimEnd();
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function pollUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** True while `pid` exists and is not a zombie (a killed process its parent has not reaped). */
export async function isProcessAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Live processes whose command line contains `token`. Works across pid namespaces (a sandboxed
 * process's own `$!` is not its host pid), so tests give each process a unique token, e.g.
 * `sleep 600.4821` — sleep accepts fractional seconds.
 */
export async function findProcesses(token: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (cmdline.includes(token) && (await isProcessAlive(Number(entry)))) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** A fractional number of seconds unique to this call: a process token for findProcesses. */
export function uniqueSleepSeconds(): string {
  return `600.${process.pid}${Math.floor(Math.random() * 1e6)}`;
}
