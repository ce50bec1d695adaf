import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCliInProcess as cli } from '../../api/test-support/run-cli-in-process.js';
import { startTestPlatform, type TestPlatform } from '../../api/test-support/start-test-platform.js';
import { describePglite } from '../../test-support/test-store.js';
import { createApiClient } from '../api-client.js';

describePglite('client verbs: trigger, runs, logs', (harness) => {
  let platform: TestPlatform | undefined;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-verbs-'));
    platform = await startTestPlatform(harness.db, { agent: { name: 'local', labels: [], capacity: 2, workDir: join(dir, 'agent') } });
    url = platform.url;
  });
  afterAll(async () => {
    await platform?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function pipelineFile(name: string, lines: string[]): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, `${lines.join('\n')}\n`);
    return file;
  }

  it('triggers a two-job pipeline, follows both logs and exits 0; runs and logs show it afterwards', { timeout: 30_000 }, async () => {
    const file = await pipelineFile('ok.yml', [
      'name: verbs',
      'stages:',
      '  - name: a',
      '    steps:',
      '      - { run: "echo line-one-from-a; echo line-two-from-a" }',
      '  - name: b',
      '    needs: [a]',
      '    steps:',
      '      - { run: echo b-ran }',
    ]);
    const triggered = await cli('trigger', '--project', 'acme/verbs', '--file', file, '--follow', '--server', url);
    expect(triggered.err).toBe('');
    expect(triggered.code).toBe(0);
    expect(triggered.out).toMatch(/^run #1 \((\d+)\) queued: jobs a, b\n/);
    expect(triggered.out).toContain('[a] line-one-from-a\n[a] line-two-from-a\n');
    expect(triggered.out).toContain('[b] b-ran\n');
    expect(triggered.out).toMatch(/run #1 \(\d+\) succeeded\n$/);
    const runId = /queued/.test(triggered.out) ? /\((\d+)\)/.exec(triggered.out)![1]! : '';

    const listed = await cli('runs', '--project', 'acme/verbs', '--server', url);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^RUN\s+ID\s+PROJECT\s+REF\s+STATUS\s+AGE\n#1\s+\d+\s+acme\/verbs\s+main\s+succeeded\s+\d+s\n$/);

    const jobs = await cli('runs', runId, '--server', url);
    expect(jobs.code).toBe(0);
    expect(jobs.out).toMatch(/\na\s+succeeded\s+1\s+\S+/);
    expect(jobs.out).toMatch(/\nb\s+succeeded\s+1\s+\S+/);

    // A finished job's log, followed: the scrollback once, then the end event closes it.
    const followed = await cli('logs', runId, '--job', 'a', '-f', '--server', url);
    expect(followed.code).toBe(0);
    expect(followed.out).toContain('line-one-from-a\nline-two-from-a\n');
    expect(followed.out.match(/line-one-from-a/g)).toHaveLength(2); // the step's command line and its output
    const stored = await cli('logs', runId, '--job', 'a', '--server', url);
    expect(followed.out).toBe(stored.out);

    const printed = await cli('logs', runId, '--server', url);
    expect(printed.code).toBe(0);
    expect(printed.out).toContain('[a] line-one-from-a\n[a] line-two-from-a\n');
    expect(printed.out).toContain('[b] b-ran\n');
    expect(printed.out.match(/line-one-from-a/g)).toHaveLength(2);
  });

  it('exits 1 when the run fails, still printing the failing job’s output', { timeout: 30_000 }, async () => {
    const file = await pipelineFile('fail.yml', [
      'name: failing',
      'stages:',
      '  - name: boom',
      '    steps:',
      '      - { run: "echo about-to-fail; exit 3" }',
      '  - name: never',
      '    needs: [boom]',
      '    steps:',
      '      - { run: echo never-printed }',
    ]);
    const started = Date.now();
    const triggered = await cli('trigger', '--project', 'acme/fail', '--file', file, '-f', '--server', url);
    expect(triggered.code).toBe(1);
    expect(triggered.out).not.toContain('never-printed');
    // The skipped job has no log to end; following must not wait out the grace period for it.
    expect(Date.now() - started).toBeLessThan(4500);
    expect(triggered.out).toContain('[boom] about-to-fail\n');
    expect(triggered.out).toMatch(/failed\n$/);
  });

  it('resumes a log from an offset without repeating or skipping bytes', async () => {
    const file = await pipelineFile('resume.yml', ['name: resume', 'stages:', '  - name: only', '    steps:', '      - { run: "seq 1 200" }']);
    const triggered = await cli('trigger', '--project', 'acme/resume', '--file', file, '-f', '--server', url);
    expect(triggered.code).toBe(0);
    const runId = Number(/\((\d+)\)/.exec(triggered.out)![1]);
    const client = createApiClient(url);
    const jobId = (await client.getRun(runId)).jobs[0]!.id;
    const read = async (fromOffset: number) => {
      let text = '';
      for await (const piece of client.followJobLog(jobId, { signal: new AbortController().signal, fromOffset })) text += piece.text;
      return text;
    };
    const whole = await read(0);
    expect(whole).toContain('\n200\n');
    // Offsets count bytes (the step header's ▶ is three), so compare bytes.
    expect(await read(100)).toBe(Buffer.from(whole).subarray(100).toString());
  });

  it('prints file:line:col for an invalid local pipeline and exits 1 without contacting the server', async () => {
    const file = await pipelineFile('bad.yml', ['name: bad', 'stages:', '  - name: a', '    steps:', '      - { run: echo, bogus: 1 }']);
    // Port 1 refuses connections: had the command contacted it, the error would be "cannot reach".
    const result = await cli('trigger', '--project', 'acme/bad', '--file', file, '--server', 'http://127.0.0.1:1');
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${file}:5:`);
    expect(result.err).toContain('nothing was sent to the server');
    expect(result.err).not.toContain('cannot reach');
  });

  it('says clearly when the server cannot be reached', async () => {
    const result = await cli('runs', '--server', 'http://127.0.0.1:1');
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      'slipway: cannot reach the Slipway server at http://127.0.0.1:1 — is `slipway up` running? (set --server or SLIPWAY_SERVER)\n',
    );
  });

  it('cancels a run with `slipway cancel`, and explains itself with --help', async () => {
    const client = createApiClient(url);
    const pipeline = ['name: c', 'stages:', '  - name: only', '    runs-on: [nobody-has-this]', '    steps:', '      - { run: "true" }'].join('\n');
    const { runId } = await client.triggerRun({ project: 'acme/cancel-cli', ref: 'main', pipeline });
    const result = await cli('cancel', String(runId), '--server', url);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(`run ${runId}: cancel requested; 1 job(s) canceled\n`);
    expect((await client.getRun(runId)).status).toBe('canceled');

    const unknown = await cli('cancel', '999999', '--server', url);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe('slipway: no run 999999 in the projects you can see\n');

    const help = await cli('cancel', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('slipway cancel 42');
  });

  it('turns an API error into its message', async () => {
    const result = await cli('runs', '999999', '--server', url);
    expect(result.code).toBe(1);
    expect(result.err).toBe('slipway: no run 999999 in the projects you can see\n');
  });
});
