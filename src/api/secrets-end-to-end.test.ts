import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSecretCrypto } from '../secrets/index.js';
import type { RunDetail } from '../store/index.js';
import { describePglite } from '../test-support/test-store.js';
import { runCliInProcess as cli } from './test-support/run-cli-in-process.js';
import { startTestPlatform, type TestPlatform } from './test-support/start-test-platform.js';
import { waitFor } from './test-support/wait-for.js';

const project = 'acme/secrets';
const secretsUrl = (base: string) => `${base}/api/v1/projects/${encodeURIComponent(project)}/secrets`;
const tokenValue = 's3cr3t-Value-42xyz';
const prodValue = 'prod-Value-99abc';

describePglite('secrets end to end', (harness) => {
  let platform: TestPlatform | undefined;
  let url: string;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'slipway-secrets-'));
    platform = await startTestPlatform(harness.db, {
      secretCrypto: createSecretCrypto({ key: randomBytes(32) }),
      agent: { name: 'secrets', labels: [], capacity: 2, workDir },
    });
    url = platform.url;
  });
  afterAll(async () => {
    await platform?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('sets, lists (without values) and deletes secrets over the API and the CLI', async () => {
    const put = await fetch(`${secretsUrl(url)}/TOKEN`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: tokenValue }),
    });
    expect(put.status).toBe(204);
    const set = await cli('secrets', 'set', project, 'TOKEN', '--env', 'production', '--value', prodValue, '--server', url);
    expect(set).toMatchObject({ code: 0 });
    expect(set.out).toContain('environment production');
    expect(set.out).not.toContain(prodValue);

    const listed = await fetch(secretsUrl(url));
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(text).not.toContain(tokenValue);
    expect(text).not.toContain(prodValue);
    const body = JSON.parse(text) as { secrets: { name: string; environment: string | null; updatedAt: string }[] };
    expect(body.secrets.map((s) => [s.name, s.environment])).toEqual([
      ['TOKEN', null],
      ['TOKEN', 'production'],
    ]);
    const onlyProd = (await (await fetch(`${secretsUrl(url)}?environment=production`)).json()) as { secrets: unknown[] };
    expect(onlyProd.secrets).toHaveLength(1);

    const listedByCli = await cli('secrets', 'list', project, '--server', url);
    expect(listedByCli.code).toBe(0);
    expect(listedByCli.out).toContain('TOKEN');
    expect(listedByCli.out).toContain('(project-wide)');
    expect(listedByCli.out).not.toContain(tokenValue);

    // Delete: a scratch secret, then 404 for it and for an unknown project.
    await cli('secrets', 'set', project, 'SCRATCH', '--value', 'scratch-value', '--server', url);
    expect((await fetch(`${secretsUrl(url)}/SCRATCH`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${secretsUrl(url)}/SCRATCH`, { method: 'DELETE' })).status).toBe(404);
    const deleteByCli = await cli('secrets', 'delete', project, 'SCRATCH', '--server', url);
    expect(deleteByCli.code).toBe(1);
    expect((await fetch(`${url}/api/v1/projects/nope%2Fnope/secrets`)).status).toBe(404);
    const badName = await fetch(`${secretsUrl(url)}/lower-case`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'x1234' }),
    });
    expect(badName.status).toBe(400);
  });

  it('gives steps the secrets and masks every form of them in the stored log', { timeout: 30_000 }, async () => {
    const pipeline = [
      'name: secrets',
      'stages:',
      '  - name: build',
      '    steps:',
      '      - name: use',
      '        run: |',
      '          test "$TOKEN" = ' + tokenValue + ' && echo same',
      '          echo "plain: $TOKEN"',
      `          printf '%s' "$TOKEN" | base64`,
      `          printf '%s' "\${TOKEN:0:4}"; sleep 0.2; printf '%s\\n' "\${TOKEN:4}"`,
      '  - name: deploy',
      '    environment: production',
      '    steps:',
      '      - run: |',
      '          test "$TOKEN" = ' + prodValue + ' && echo prod-same',
      '          echo "prod: $TOKEN"',
    ].join('\n');
    const posted = await fetch(`${url}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ project, ref: 'main', pipeline }),
    });
    if (posted.status !== 201) throw new Error(await posted.text());
    const { runId, jobs } = (await posted.json()) as { runId: number; jobs: { id: number; key: string }[] };
    const run = await waitFor('the run to finish', async () => {
      const detail = (await (await fetch(`${url}/api/v1/runs/${runId}`)).json()) as RunDetail;
      return ['succeeded', 'failed', 'canceled'].includes(detail.status) ? detail : undefined;
    });
    expect(run.status).toBe('succeeded');

    const logOf = async (key: string) => {
      const job = jobs.find((j) => j.key === key)!;
      return (await fetch(`${url}/api/v1/jobs/${job.id}/log.txt`)).text();
    };
    const build = await logOf('build');
    expect(build).toContain('same');
    expect(build).toContain('plain: ***');
    expect(build).toContain('***');
    for (const form of [tokenValue, Buffer.from(tokenValue).toString('base64'), tokenValue.slice(0, 4), tokenValue.slice(4)]) {
      expect(build).not.toContain(form);
    }
    const deploy = await logOf('deploy');
    expect(deploy).toContain('prod-same');
    expect(deploy).toContain('prod: ***');
    expect(deploy).not.toContain(prodValue);
  });
});
