import { describe, expect, test } from 'vitest';
import { maxWebhookBytes } from './check-payload-size.js';
import { gitLabDeliveryId, receiveGitHubWebhook, receiveGitLabWebhook } from './receive-webhook.js';
import { findGitHubExample, signGitHubBody } from './test-support/github-examples.js';

const secret = 'webhook-secret';

function githubRequest(event: string, payload: unknown, sign: (body: Buffer) => string | undefined = (b) => signGitHubBody(secret, b)) {
  const rawBody = Buffer.from(JSON.stringify(payload));
  const signature = sign(rawBody);
  return {
    rawBody,
    headers: {
      'x-github-event': event,
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'content-type': 'application/json',
      ...(signature === undefined ? {} : { 'x-hub-signature-256': signature }),
    },
  };
}

describe('receiveGitHubWebhook', () => {
  test('a signed push becomes an event keyed by its delivery id', () => {
    const push = findGitHubExample('push', (p) => p.ref === 'refs/heads/master');
    expect(receiveGitHubWebhook(secret, githubRequest('push', push))).toMatchObject({
      provider: 'github',
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      result: { kind: 'event', event: { branch: 'master', deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958' } },
    });
  });

  test('header names are matched whatever their case', () => {
    const request = githubRequest('ping', findGitHubExample('ping', () => true));
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(receiveGitHubWebhook(secret, { ...request, headers }).result.kind).toBe('ignored');
  });

  test('a body altered after signing, a wrong secret or no signature is unauthenticated — before any parsing', () => {
    const push = findGitHubExample('push', (p) => p.ref === 'refs/heads/master');
    const tampered = githubRequest('push', push);
    tampered.rawBody = Buffer.from(tampered.rawBody.toString().replace('refs/heads/master', 'refs/heads/mallory'));
    const wrongSecret = githubRequest('push', push, (b) => signGitHubBody('guess', b));
    const unsigned = githubRequest('push', push, () => undefined);
    const notJson = { ...githubRequest('push', push), rawBody: Buffer.from('{not json') };
    for (const request of [tampered, wrongSecret, unsigned, notJson]) {
      expect(() => receiveGitHubWebhook(secret, request)).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
    }
  });

  test('a signed body that is not JSON, or lacks the event headers, is invalid', () => {
    const form = Buffer.from('payload=%7B%7D');
    expect(() =>
      receiveGitHubWebhook(secret, {
        rawBody: form,
        headers: { 'x-github-event': 'push', 'x-github-delivery': 'd', 'x-hub-signature-256': signGitHubBody(secret, form) },
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining('application/json') }));
    const request = githubRequest('push', {});
    const { 'x-github-delivery': _, ...withoutDelivery } = request.headers;
    expect(() => receiveGitHubWebhook(secret, { ...request, headers: withoutDelivery })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining('x-github-delivery') }),
    );
    expect(() =>
      receiveGitHubWebhook(secret, { ...request, headers: { ...request.headers, 'x-hub-signature-256': ['a', 'b'] } }),
    ).toThrow(expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining('more than once') }));
  });

  test('a body over the limit is refused as payload_too_large without checking anything else', () => {
    const request = githubRequest('push', { padding: 'x'.repeat(1024) });
    expect(() => receiveGitHubWebhook(secret, { ...request, maxBytes: 1000 })).toThrow(
      expect.objectContaining({ code: 'payload_too_large' }),
    );
    expect(maxWebhookBytes).toBe(25 * 1024 * 1024);
  });
});

describe('receiveGitLabWebhook', () => {
  const push = {
    object_kind: 'push',
    ref: 'refs/heads/main',
    before: 'a'.repeat(40),
    after: 'b'.repeat(40),
    checkout_sha: 'b'.repeat(40),
    user_username: 'jsmith',
    project: { git_http_url: 'https://gitlab.example/acme/web.git', path_with_namespace: 'acme/web' },
    commits: [{ added: [], modified: ['src/a.ts'], removed: [] }],
    total_commits_count: 1,
  };
  const rawBody = Buffer.from(JSON.stringify(push));

  test('a push with the right token becomes an event', () => {
    const received = receiveGitLabWebhook('tok', {
      rawBody,
      headers: { 'x-gitlab-token': 'tok', 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': 'uuid-1' },
    });
    expect(received).toMatchObject({ provider: 'gitlab', deliveryId: 'uuid-1', result: { kind: 'event', event: { branch: 'main' } } });
  });

  test('a wrong or missing token is unauthenticated', () => {
    for (const headers of [{ 'x-gitlab-token': 'nope' }, {}]) {
      expect(() => receiveGitLabWebhook('tok', { rawBody, headers: { ...headers, 'x-gitlab-event': 'Push Hook' } })).toThrow(
        expect.objectContaining({ code: 'unauthenticated' }),
      );
    }
  });

  test('without X-Gitlab-Event-UUID the delivery id is the body hash: same body, same id', () => {
    const id = gitLabDeliveryId({}, rawBody);
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(gitLabDeliveryId({ 'x-gitlab-event-uuid': '' }, Buffer.from(rawBody))).toBe(id);
    expect(gitLabDeliveryId({}, Buffer.from(JSON.stringify({ ...push, after: 'c'.repeat(40) })))).not.toBe(id);
  });
});
