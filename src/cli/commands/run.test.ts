import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli, waitFor } from '../test-support/spawn-cli.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function makeRepo(pipeline: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-run-'));
  dirs.push(dir);
  await writeFile(join(dir, '.pipeline.yml'), pipeline);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'init');
  return dir;
}

describe('slipway run', () => {
  it('runs the DAG, skips dependants of a failure, prints a table and exits 1', async () => {
    const repo = await makeRepo(
      `name: demo
env: { GREETING: hello }
stages:
  - name: build
    steps:
      - { uses: git-checkout }
      - { name: greet, run: 'echo "$GREETING from $(cat input.txt) at $(git rev-parse --short HEAD)"' }
  - name: test
    needs: [build]
    steps:
      - { name: fail, run: 'echo boom >&2; exit 3' }
  - name: deploy
    needs: [test]
    steps:
      - { run: echo never }
  - name: report
    needs: [test]
    if: always()
    steps:
      - { run: echo reported }
`,
      { 'input.txt': 'the-repo' },
    );
    const cli = spawnCli(['run', '--parallel', '2'], { cwd: repo });
    const exit = await cli.exited;
    const out = cli.stdout();
    expect(exit.code).toBe(1);
    expect(out).toMatch(/\[build\/greet\] hello from the-repo at [0-9a-f]{7}/);
    expect(out).toContain('[test/fail] boom');
    expect(out).toContain('[report/echo reported] reported');
    expect(out).not.toContain('never');
    const table = out.slice(out.lastIndexOf('JOB'));
    expect(table).toMatch(/build\s+succeeded/);
    expect(table).toMatch(/test\s+failed/);
    expect(table).toMatch(/deploy\s+skipped/);
    expect(table).toMatch(/report\s+succeeded/);
  });

  it('exits 0 when every job succeeds', async () => {
    const repo = await makeRepo('name: ok\nstages:\n  - name: a\n    steps:\n      - run: "true"\n');
    const cli = spawnCli(['run'], { cwd: repo });
    expect((await cli.exited).code).toBe(0);
    // Workspaces live in .slipway/, which ignores itself: the user's tree stays clean.
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' })).toBe('');
  });

  it('refuses an invalid pipeline with file:line:col errors and runs nothing', async () => {
    const repo = await makeRepo('name: bad\nstages:\n  - name: a\n    need: [b]\n    steps:\n      - run: touch ran\n');
    const cli = spawnCli(['run'], { cwd: repo });
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr()).toMatch(/\.pipeline\.yml:4:5: .*unknown key 'need'.*did you mean 'needs'/);
    expect(existsSync(join(repo, '.slipway'))).toBe(false);
  });

  it('kills every step process group, grandchildren included, on Ctrl-C and exits 130', async () => {
    // A sleep length no other test uses, so pgrep finds only this test's processes.
    const sleep = `sleep ${300 + (process.pid % 97)}`;
    const repo = await makeRepo(
      `name: long
stages:
  - name: a
    steps:
      - run: '${sleep} & echo started; wait'
  - name: b
    steps:
      - run: 'sh -c "${sleep}; true" & echo started; wait'
`,
    );
    const cli = spawnCli(['run', '--parallel', '2'], { cwd: repo });
    await waitFor('both steps to start', () => ((cli.stdout().match(/started/g) ?? []).length >= 2 ? true : undefined));
    const running = () => execFileSync('sh', ['-c', `pgrep -f "^${sleep}$" || true`], { encoding: 'utf8' }).trim();
    // `echo started` can win the race against the backgrounded sleep's exec, so poll for it.
    await waitFor('the sleeps to run', () => (running() !== '' ? true : undefined));
    cli.child.kill('SIGINT');
    const exit = await cli.exited;
    expect(exit.code).toBe(130);
    expect(cli.stdout()).toMatch(/a\s+canceled/);
    await waitFor('the grandchildren to be gone', () => (running() === '' ? true : undefined), 2000);
  });
});

describe('slipway --help', () => {
  it.each(['up', 'validate', 'run', 'schema'])('explains `%s`', async (command) => {
    const cli = spawnCli([command, '--help']);
    expect((await cli.exited).code).toBe(0);
    expect(cli.stdout()).toMatch(new RegExp(`Usage: slipway ${command}`));
    expect(cli.stdout().split('\n').length).toBeGreaterThan(5);
  });

  it('lists the commands and fails on an unknown one with a suggestion', async () => {
    const help = spawnCli(['--help']);
    expect((await help.exited).code).toBe(0);
    for (const c of ['up', 'validate', 'run', 'schema']) expect(help.stdout()).toContain(c);
    const typo = spawnCli(['rnu']);
    expect((await typo.exited).code).toBe(1);
    expect(typo.stderr()).toContain("Did you mean run?");
  });
});
