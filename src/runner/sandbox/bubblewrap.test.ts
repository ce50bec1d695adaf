import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runProcess } from '../run-process.js';
import { resolveShell } from '../shell.js';
import { createTempDirs, findProcesses, pollUntil, uniqueSleepSeconds } from '../test-support/fixtures.js';
import { bubblewrapArgs } from './bubblewrap.js';
import { detectSandbox } from './detect-sandbox.js';

const detected = await detectSandbox({ searchPath: process.env['PATH'], probeDir: process.cwd() });
const sandbox = detected.sandbox.kind === 'bubblewrap' ? detected.sandbox : undefined;
if (!sandbox) console.warn(`bubblewrap tests skipped: ${detected.notice}`);

const temp = createTempDirs();
afterEach(() => temp.cleanup());

describe('bubblewrap availability', () => {
  // CI installs bubblewrap and sets this: there the isolation tests below must not skip silently.
  it.runIf(process.env['SLIPWAY_REQUIRE_SERVICES'] === '1')('works where services are required (CI)', () => {
    expect(detected.notice).toBeUndefined();
    expect(detected.sandbox.kind).toBe('bubblewrap');
  });
});

describe('bubblewrapArgs', () => {
  it('binds the workspace after the private /tmp and drops the network only when asked', () => {
    const args = bubblewrapArgs({ cwd: '/tmp/ws/sub', workspaceDir: '/tmp/ws', network: false });
    expect(args.indexOf('--bind')).toBeGreaterThan(args.indexOf('--tmpfs'));
    expect(args).toContain('--unshare-net');
    expect(args).not.toContain('--new-session');
    expect(bubblewrapArgs({ cwd: '/tmp/ws', workspaceDir: '/tmp/ws', network: true })).not.toContain('--unshare-net');
  });
});

describe.skipIf(!sandbox)('bubblewrap sandbox', () => {
  async function run(script: string, options: { network?: boolean; signal?: AbortSignal } = {}) {
    const workspaceDir = await temp.make();
    const output: string[] = [];
    const outcome = await runProcess(
      sandbox!.wrap({
        argv: [...(await resolveShell(process.env['PATH'])), script],
        cwd: workspaceDir,
        env: { PATH: process.env['PATH'] ?? '' },
        workspaceDir,
        network: options.network ?? true,
      }),
      { signal: options.signal, killGraceMs: 500, onOutput: (_stream, text) => output.push(text) },
    );
    return { outcome, output: output.join(''), workspaceDir };
  }

  it('gives steps a private writable $HOME, leaving the real one untouched', async () => {
    const realHome = process.env['HOME'] ?? '/root';
    const marker = `.slipway-home-probe-${process.pid}`;
    const { outcome, output } = await run(`echo x > ~/${marker} && cat ~/${marker} && echo "home=$HOME"`);
    expect(outcome.exitCode).toBe(0);
    expect(output).toContain('home=/tmp/home');
    expect(existsSync(path.join(realHome, marker))).toBe(false);
  });

  it('refuses writes outside the workspace', async () => {
    const outside = await temp.make();
    const { outcome, output } = await run(
      `echo x > ${outside}/escaped || echo "outside refused"; echo x > /etc/slipway-probe || echo "etc refused"`,
    );
    expect(outcome.exitCode).toBe(0);
    expect(output).toContain('etc refused');
    expect(existsSync(path.join(outside, 'escaped'))).toBe(false);
    expect(existsSync('/etc/slipway-probe')).toBe(false);
  });

  it('keeps listed host paths under /tmp visible, read-only (the Slipway installation, for its CLI)', async () => {
    const hostDir = await temp.make();
    await writeFile(path.join(hostDir, 'tool.txt'), 'from the host');
    const workspaceDir = await temp.make();
    const argv: [string, ...string[]] = [...(await resolveShell(process.env['PATH'])), `cat ${hostDir}/tool.txt; echo x > ${hostDir}/written || echo "write refused"`];
    const bwrap = sandbox!.wrap({ argv, cwd: workspaceDir, env: {}, workspaceDir, network: true }).file;
    const output: string[] = [];
    const outcome = await runProcess(
      { file: bwrap, args: [...bubblewrapArgs({ cwd: workspaceDir, workspaceDir, network: true }, [hostDir]), '--', ...argv], cwd: workspaceDir, env: { PATH: process.env['PATH'] ?? '' } },
      { killGraceMs: 500, onOutput: (_stream, text) => output.push(text) },
    );
    expect(outcome.exitCode).toBe(0);
    expect(output.join('')).toContain('from the host');
    expect(output.join('')).toContain('write refused');
    expect(existsSync(path.join(hostDir, 'written'))).toBe(false);
  });

  it('gives the step a private /tmp', async () => {
    const hostDir = await temp.make();
    const hostFile = path.join(hostDir, 'host-secret');
    await writeFile(hostFile, 'secret');
    const inside = `/tmp/slipway-inside-${path.basename(hostDir)}`;
    const { outcome, output } = await run(
      `test -e ${hostFile} && echo "host file visible" || echo "host file hidden"; echo y > ${inside}`,
    );
    expect(outcome.exitCode).toBe(0);
    expect(output).toBe('host file hidden\n');
    expect(existsSync(inside)).toBe(false);
  });

  it('leaves only loopback when network is false', async () => {
    const interfacesOf = (procNetDev: string) =>
      procNetDev
        .split('\n')
        .slice(2)
        .map((line) => line.split(':')[0]!.trim())
        .filter((name) => name !== '')
        .sort();
    const offline = await run('cat /proc/net/dev', { network: false });
    expect(interfacesOf(offline.output)).toEqual(['lo']);
    const online = await run('cat /proc/net/dev', { network: true });
    expect(interfacesOf(online.output)).toEqual(interfacesOf(await readFile('/proc/net/dev', 'utf8')));
  });

  it('kills processes that left the process group (setsid) when the step is canceled', async () => {
    const token = uniqueSleepSeconds();
    const abort = new AbortController();
    const running = run(`setsid sleep ${token} & sleep 600`, { signal: abort.signal });
    await pollUntil('the setsid process to start', async () => (await findProcesses(token)).length > 0);
    abort.abort();
    expect((await running).outcome.ending).toBe('canceled');
    await pollUntil('the pid namespace to be torn down', async () => (await findProcesses(token)).length === 0, 2000);
  });
});
