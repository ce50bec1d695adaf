import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProcessOutcome, runProcess, superviseProcess } from './run-process.js';
import { detectSandbox } from './sandbox/detect-sandbox.js';
import { createNoSandbox } from './sandbox/none.js';
import type { Sandbox, SandboxCommand } from './sandbox/sandbox.js';
import { resolveShell } from './shell.js';
import { createTempDirs, findProcesses, isProcessAlive, pollUntil, uniqueSleepSeconds } from './test-support/fixtures.js';
import { prepareWarmStart, type WarmStart } from './warm-start.js';

const searchPath = process.env['PATH'];
const detected = await detectSandbox({ searchPath, probeDir: process.cwd() });
const sandboxes: Array<[string, Sandbox]> = [['no sandbox', createNoSandbox()]];
if (detected.sandbox.kind === 'bubblewrap') sandboxes.push(['bubblewrap', detected.sandbox]);

const temp = createTempDirs();
const started: WarmStart[] = [];
afterEach(async () => {
  for (const warm of started.splice(0)) warm.dispose();
  await temp.cleanup();
});

async function prepare(sandbox: Sandbox): Promise<WarmStart> {
  const warm = await prepareWarmStart({ sandbox, workDir: await temp.make(), searchPath });
  if (!warm) throw new Error('no warm start on this machine: bash ≥ 4.4 and env are expected');
  started.push(warm);
  return warm;
}

async function collect(run: (onOutput: (stream: string, text: string) => void) => Promise<ProcessOutcome>) {
  const output = { stdout: '', stderr: '' };
  const outcome = await run((stream, text) => {
    output[stream as keyof typeof output] += text;
  });
  return { outcome, ...output };
}

describe.each(sandboxes)('warm start (%s)', (_name, sandbox) => {
  const command = async (warm: WarmStart, script: string, fields: Partial<SandboxCommand> = {}): Promise<SandboxCommand> => ({
    argv: [...(await resolveShell(searchPath)), script],
    cwd: warm.workspaceDir,
    env: { PATH: searchPath ?? '/usr/bin:/bin', GREETING: 'hello world', MULTI: 'line one\nline two', EMPTY: '' },
    workspaceDir: warm.workspaceDir,
    network: true,
    ...fields,
  });

  it('runs the step with its environment, directory, exit code and output, as a cold spawn does', async () => {
    const warm = await prepare(sandbox);
    await mkdir(path.join(warm.workspaceDir, 'sub'));
    // Everything a step can observe of how it was started, but its process ids.
    const script = 'env | sort; pwd; ls /proc/self/fd | sort -n | tr "\\n" " "; echo; read -r line && echo "stdin: $line" || echo "stdin at EOF"; echo oops >&2; exit 3';
    const step = await command(warm, script, { cwd: path.join(warm.workspaceDir, 'sub') });

    const child = warm.take(step);
    expect(child).toBeDefined();
    const warmRun = await collect((onOutput) => superviseProcess(child!, { killGraceMs: 500, onOutput }));
    const coldRun = await collect((onOutput) => runProcess(sandbox.wrap(step), { killGraceMs: 500, onOutput }));

    expect(warmRun.outcome).toMatchObject({ ending: 'exited', exitCode: 3 });
    expect(warmRun.stdout).toContain('GREETING=hello world\n');
    expect(warmRun.stdout).toContain('MULTI=line one\n');
    expect(warmRun.stdout).toContain(`${path.join(warm.workspaceDir, 'sub')}\n`);
    expect(warmRun.stdout).toContain('stdin at EOF');
    expect(warmRun.stderr).toBe('oops\n');
    expect(warmRun.stdout).toBe(coldRun.stdout);
    expect(warmRun.outcome).toEqual(coldRun.outcome);
  });

  it('is taken once, and only by a command of its workspace that wants the network', async () => {
    const warm = await prepare(sandbox);
    const other = await temp.make();
    expect(warm.take(await command(warm, 'true', { workspaceDir: other, cwd: other }))).toBeUndefined();
    expect(warm.take(await command(warm, 'true', { network: false }))).toBeUndefined();
    expect(warm.take({ ...(await command(warm, 'true')), argv: ['/usr/bin/odd=name', 'x'] })).toBeUndefined();
    expect(warm.take({ ...(await command(warm, 'true')), env: { 'A=B': 'c' } })).toBeUndefined();
    const child = warm.take(await command(warm, 'exit 0'));
    expect(child).toBeDefined();
    expect(warm.take(await command(warm, 'exit 0'))).toBeUndefined();
    expect((await superviseProcess(child!, { killGraceMs: 500 })).exitCode).toBe(0);
  });

  it('kills the waiting process on dispose; a disposed start is not taken', async () => {
    const warm = await prepare(sandbox);
    const pid = warm.pid!;
    expect(await isProcessAlive(pid)).toBe(true);
    warm.dispose();
    await pollUntil(`process ${pid} to exit`, async () => !(await isProcessAlive(pid)));
    expect(warm.take(await command(warm, 'true'))).toBeUndefined();
  });

  it('cancels a taken step: its whole process group is killed', async () => {
    const warm = await prepare(sandbox);
    const token = uniqueSleepSeconds();
    const abort = new AbortController();
    const child = warm.take(await command(warm, `sleep ${token} & sleep ${token}`));
    const outcome = superviseProcess(child!, { killGraceMs: 500, signal: abort.signal });
    await pollUntil('both sleeps to run', async () => (await findProcesses(`sleep ${token}`)).length >= 2);
    abort.abort();
    expect((await outcome).ending).toBe('canceled');
    await pollUntil('the sleeps to be gone', async () => (await findProcesses(`sleep ${token}`)).length === 0);
  });
});
