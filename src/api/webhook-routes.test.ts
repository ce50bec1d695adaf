import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureProject, type RunDetail } from '../store/index.js';
import { describePglite } from '../test-support/test-store.js';
import { maxWebhookBytes } from '../triggers/index.js';
import { createTestRepo, type TestRepo } from '../triggers/test-support/git-repo.js';
import { findGitHubExample, signGitHubBody } from '../triggers/test-support/github-examples.js';
import { startTestPlatform, type TestPlatform } from './test-support/start-test-platform.js';
import { waitFor } from './test-support/wait-for.js';
import { findProjectForEvent, normalizeRepoUrl } from './webhook-routes.js';

const githubSecret = 'github-webhook-secret';
const gitlabToken = 'gitlab-webhook-token';

const pipeline = [
  'name: hooked',
  "trigger: { branches: [main], paths: ['src/**', '.pipeline.yml'] }",
  'stages:',
  '  - name: build',
  '    steps:',
  '      - { uses: git-checkout }',
  '      - { name: show, run: "cat src/app.txt" }',
].join('\n');

/** A recorded GitHub push, re-pointed at the temp repository and one of its real commits. */
function githubPush(repoDir: string, after: string, changed: string[]): Record<string, unknown> {
  const push = findGitHubExample('push', (p) => p.ref === 'refs/heads/master');
  const commit = { ...(push.head_commit as Record<string, unknown>), id: after, added: changed, modified: [], removed: [] };
  return {
    ...push,
    ref: 'refs/heads/main',
    before: '0'.repeat(40),
    after,
    created: true,
    commits: [commit],
    head_commit: commit,
    repository: { ...(push.repository as Record<string, unknown>), clone_url: repoDir, full_name: 'acme/hooked' },
  };
}

describePglite('webhook routes', (harness) => {
  let platform: TestPlatform | undefined;
  let url: string;
  let dir: string;
  let repo: TestRepo;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-webhooks-'));
    repo = await createTestRepo();
    platform = await startTestPlatform(harness.db, {
      mirrorCacheDir: join(dir, 'server-mirrors'),
      webhooks: { githubSecret, gitlabToken },
      agent: { name: 'hook-agent', labels: [], capacity: 1, workDir: join(dir, 'agent') },
    });
    url = platform.url;
    await ensureProject(harness.db, { name: 'acme/hooked', repoUrl: repo.dir });
  });
  afterAll(async () => {
    await platform?.stop();
    await repo?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const postGitHub = (body: Buffer, headers: Record<string, string>) =>
    fetch(`${url}/api/v1/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', ...headers },
      body,
    });
  const countRuns = async () => Number((await harness.db.query<{ n: string }>('SELECT count(*) AS n FROM runs')).rows[0]?.n);

  it('a signed push starts one run at the pushed commit; a redelivery answers with the same run', { timeout: 40_000 }, async () => {
    const sha = await repo.commit({ '.pipeline.yml': pipeline, 'src/app.txt': 'pushed-content\n' }, 'first');
    const body = Buffer.from(JSON.stringify(githubPush(repo.dir, sha, ['.pipeline.yml', 'src/app.txt'])));
    const headers = { 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signGitHubBody(githubSecret, body) };

    const first = await postGitHub(body, headers);
    const created = (await first.json()) as { runId: number; number: number };
    expect(first.status, JSON.stringify(created)).toBe(201);
    expect(created.number).toBeGreaterThan(0);

    const run = await waitFor('the run to finish', async () => {
      const detail = (await (await fetch(`${url}/api/v1/runs/${created.runId}`)).json()) as RunDetail;
      return ['succeeded', 'failed', 'canceled'].includes(detail.status) ? detail : undefined;
    });
    expect(run.status).toBe('succeeded');
    expect(run.commitSha).toBe(sha);
    expect(run.trigger).toBe('push');
    expect(run.ref).toBe('main');
    // The sender is the change's author: gates never let them approve it.
    const author = await harness.db.query<{ author: string | null }>('SELECT author FROM runs WHERE id = $1', [created.runId]);
    const sender = (JSON.parse(body.toString()) as { sender: { login: string } }).sender.login;
    expect(sender).not.toBe('');
    expect(author.rows[0]?.author).toBe(sender);

    const again = await postGitHub(body, headers);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { runId: number }).runId).toBe(created.runId);
  });

  it('a bad signature is refused with 401 and records nothing', async () => {
    const sha = await repo.commit({ 'src/app.txt': 'unsigned\n' });
    const body = Buffer.from(JSON.stringify(githubPush(repo.dir, sha, ['src/app.txt'])));
    const before = await countRuns();
    const delivery = randomUUID();
    const response = await postGitHub(body, { 'x-github-delivery': delivery, 'x-hub-signature-256': signGitHubBody('wrong', body) });
    expect(response.status).toBe(401);
    expect(await countRuns()).toBe(before);
    const recorded = await harness.db.query('SELECT 1 FROM webhook_deliveries WHERE delivery_id = $1', [delivery]);
    expect(recorded.rowCount).toBe(0);
  });

  it('a push touching none of trigger.paths is skipped with the reason', async () => {
    const sha = await repo.commit({ 'docs/readme.md': 'docs only\n' });
    const body = Buffer.from(JSON.stringify(githubPush(repo.dir, sha, ['docs/readme.md'])));
    const before = await countRuns();
    const response = await postGitHub(body, { 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signGitHubBody(githubSecret, body) });
    expect(response.status).toBe(202);
    expect(((await response.json()) as { skipped: string }).skipped).toContain('trigger.paths');
    expect(await countRuns()).toBe(before);
  });

  it('an ignored event answers 202, and an unknown repository 404', async () => {
    const ping = Buffer.from(JSON.stringify(findGitHubExample('ping', () => true)));
    const pinged = await postGitHub(ping, {
      'x-github-event': 'ping',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': signGitHubBody(githubSecret, ping),
    });
    expect(pinged.status).toBe(202);
    expect(((await pinged.json()) as { ignored?: string }).ignored).toBeTruthy();

    const sha = await repo.git('rev-parse', 'HEAD');
    const payload = githubPush(repo.dir, sha, ['src/app.txt']);
    payload.repository = { ...(payload.repository as Record<string, unknown>), clone_url: 'https://github.com/acme/unknown.git', full_name: 'acme/unknown' };
    const body = Buffer.from(JSON.stringify(payload));
    const unknown = await postGitHub(body, { 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signGitHubBody(githubSecret, body) });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('create the project first');
  });

  it('a GitLab push with the token starts a run', async () => {
    const sha = await repo.commit({ 'src/app.txt': 'from gitlab\n' });
    const payload = {
      object_kind: 'push',
      event_name: 'push',
      before: '0'.repeat(40),
      after: sha,
      ref: 'refs/heads/main',
      checkout_sha: sha,
      user_username: 'jsmith',
      project: { git_http_url: repo.dir, git_ssh_url: 'git@example.com:acme/hooked.git', path_with_namespace: 'acme/hooked' },
      commits: [{ id: sha, added: [], modified: ['src/app.txt'], removed: [] }],
      total_commits_count: 1,
    };
    const send = (secret: string) =>
      fetch(`${url}/api/v1/webhooks/gitlab`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': secret },
        body: JSON.stringify(payload),
      });
    expect((await send('wrong-token')).status).toBe(401);
    const response = await send(gitlabToken);
    const answer = (await response.json()) as { runId: number };
    expect(response.status, JSON.stringify(answer)).toBe(201);
    const run = (await (await fetch(`${url}/api/v1/runs/${answer.runId}`)).json()) as RunDetail;
    expect(run.commitSha).toBe(sha);
    expect(run.trigger).toBe('push');
  });

  it('refuses a body over 25 MiB with 413', async () => {
    const body = Buffer.alloc(maxWebhookBytes + 1, 0x20);
    const response = await postGitHub(body, { 'x-github-delivery': randomUUID(), 'x-hub-signature-256': 'sha256=00' });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });
});

describe('findProjectForEvent', () => {
  const projects = [
    { id: 1, name: 'web', repoUrl: 'git@github.com:acme/web.git' },
    { id: 2, name: 'api', repoUrl: 'https://gitlab.example.com/acme/api' },
  ];

  it('matches clone URLs in any of their forms, then a unique full name', () => {
    expect(normalizeRepoUrl('https://GitHub.com/acme/web.git/')).toBe('github.com/acme/web');
    expect(findProjectForEvent(projects, { repoUrl: 'https://github.com/acme/web.git', repoFullName: 'acme/web' }).id).toBe(1);
    expect(findProjectForEvent(projects, { repoUrl: 'ssh://git@gitlab.example.com/acme/api.git', repoFullName: 'x/y' }).id).toBe(2);
    expect(findProjectForEvent(projects, { repoUrl: 'https://mirror.example.com/a.git', repoFullName: 'acme/api' }).id).toBe(2);
    expect(() => findProjectForEvent(projects, { repoUrl: 'https://github.com/acme/other', repoFullName: 'acme/other' })).toThrow(
      /create the project first/,
    );
  });
});
