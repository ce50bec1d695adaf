import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runProcess } from '../run-process.js';
import { resolveShell } from '../shell.js';
import { createTempDirs, findProcesses, pollUntil, uniqueSleepSeconds } from '../test-support/fixtures.js';
import { detectSandbox } from './detect-sandbox.js';
import { createNoSandbox } from './none.js';
import type { Sandbox } from './sandbox.js';

/** Every sandbox must pass this suite; bubblewrap.test.ts adds what only real isolation can do. */
const detected = await detectSandbox({ searchPath: process.env['PATH'], probeDir: process.cwd() });
const sandboxes: Sandbox[] = [createNoSandbox()];
if (detected.sandbox.kind === 'bubblewrap') sandboxes.push(detected.sandbox);
else console.warn(`sandbox contract: only 'none' is tested here: ${detected.notice}`);

const temp = createTempDirs();
afterEach(() => temp.cleanup());

describe.each(sandboxes.map((sandbox) => [sandbox.kind, sandbox] as const))('sandbox contract: %s', (_kind, sandbox) => {
  async function run(script: string, options: { cwd?: string; env?: Record<string, string>; signal?: AbortSignal } = {}) {
    const workspaceDir = await temp.make();
    const cwd = options.cwd ? path.join(workspaceDir, options.cwd) : workspaceDir;
    await mkdir(cwd, { recursive: true });
    const output: string[] = [];
    const spec = sandbox.wrap({
      argv: [...(await resolveShell(process.env['PATH'])), script],
      cwd,
      env: { PATH: process.env['PATH'] ?? '', ...options.env },
      workspaceDir,
      network: true,
    });
    const outcome = await runProcess(spec, {
      signal: options.signal,
      killGraceMs: 500,
      onOutput: (stream, text) => output.push(`${stream}:${text}`),
    });
    return { outcome, output: output.join(''), workspaceDir };
  }

  it('lets the command write its workspace', async () => {
    const { outcome, workspaceDir } = await run('mkdir -p out && echo built > out/result.txt');
    expect(outcome.exitCode).toBe(0);
    expect(await readFile(path.join(workspaceDir, 'out/result.txt'), 'utf8')).toBe('built\n');
  });

  it('propagates the exit code', async () => {
    const { outcome } = await run('exit 7');
    expect(outcome).toMatchObject({ ending: 'exited', exitCode: 7 });
  });

  it('passes the environment and the working directory', async () => {
    const { output, workspaceDir } = await run('echo "$GREETING from $(pwd)"', { cwd: 'sub/dir', env: { GREETING: 'hello' } });
    expect(output).toBe(`stdout:hello from ${path.join(workspaceDir, 'sub/dir')}\n`);
  });

  it('keeps stdout and stderr apart', async () => {
    const { output } = await run('echo out; echo err >&2');
    expect(output.split('\n').sort()).toEqual(['', 'stderr:err', 'stdout:out']);
  });

  it('kills the whole process group on abort, grandchildren included', async () => {
    const token = uniqueSleepSeconds();
    const abort = new AbortController();
    const running = run(`(sleep ${token} & wait) & echo ready; wait`, { signal: abort.signal });
    await pollUntil('the grandchild to start', async () => (await findProcesses(token)).length > 0);
    abort.abort();
    const { outcome } = await running;
    expect(outcome.ending).toBe('canceled');
    await pollUntil('every process of the step to be gone', async () => (await findProcesses(token)).length === 0, 2000);
  });

  it('ends background processes a step leaves behind', async () => {
    const token = uniqueSleepSeconds();
    const { outcome } = await run(`sleep ${token} >/dev/null 2>&1 & echo started`);
    expect(outcome.exitCode).toBe(0);
    await pollUntil('the leftover background process to be gone', async () => (await findProcesses(token)).length === 0, 2000);
  });

  it('escalates to SIGKILL when the group ignores SIGTERM', async () => {
    const token = uniqueSleepSeconds();
    const abort = new AbortController();
    // `trap '' TERM` is inherited by sleep across exec: only SIGKILL ends them.
    const running = run(`trap '' TERM; sleep ${token} & wait`, { signal: abort.signal });
    await pollUntil('the child to start', async () => (await findProcesses(token)).length > 0);
    abort.abort();
    const { outcome } = await running;
    expect(outcome.ending).toBe('canceled');
    await pollUntil('SIGKILL to end the group', async () => (await findProcesses(token)).length === 0, 2000);
  });
});
