import { describe, expect, test } from 'vitest';
import { signGitHubBody } from './test-support/github-examples.js';
import { verifyGitHubSignature } from './verify-github-signature.js';
import { verifyGitLabToken } from './verify-gitlab-token.js';

const secret = "It's a Secret to Everybody";
const body = Buffer.from('Hello, World!');

describe('verifyGitHubSignature', () => {
  test("accepts GitHub's documented example signature", () => {
    // From GitHub's "Validating webhook deliveries" docs: this secret and payload give this digest.
    const header = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(signGitHubBody(secret, body)).toBe(header);
    expect(() => verifyGitHubSignature(secret, body, header)).not.toThrow();
    expect(() => verifyGitHubSignature(secret, body, header.toUpperCase().replace('SHA256=', 'sha256='))).not.toThrow();
  });

  test.each([
    ['a tampered body', Buffer.from('Hello, World?'), signGitHubBody(secret, body), 'does not match'],
    ['another secret', body, signGitHubBody('not the secret', body), 'does not match'],
    ['no header', body, undefined, 'missing X-Hub-Signature-256'],
    ['an empty header', body, '', 'missing X-Hub-Signature-256'],
    ['the old sha1 header form', body, 'sha1=0a4d55a8d778e5022fab701977c5d840bbc486d0', 'malformed'],
    ['a short digest', body, signGitHubBody(secret, body).slice(0, -2), 'malformed'],
    ['a long digest', body, `${signGitHubBody(secret, body)}00`, 'malformed'],
  ])('refuses %s as unauthenticated', (_, received, header, message) => {
    expect(() => verifyGitHubSignature(secret, received, header)).toThrow(
      expect.objectContaining({ code: 'unauthenticated', message: expect.stringContaining(message) }),
    );
  });

  test('refuses to verify with no secret configured', () => {
    expect(() => verifyGitHubSignature('', body, signGitHubBody('', body))).toThrow(
      expect.objectContaining({ code: 'failed_precondition' }),
    );
  });
});

describe('verifyGitLabToken', () => {
  test('accepts the same token and refuses others, of any length, as unauthenticated', () => {
    expect(() => verifyGitLabToken('s3cret-token', 's3cret-token')).not.toThrow();
    for (const header of ['s3cret-tokeN', 's3cret', 's3cret-token-and-more', undefined, '']) {
      expect(() => verifyGitLabToken('s3cret-token', header)).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
    }
    expect(() => verifyGitLabToken('', '')).toThrow(expect.objectContaining({ code: 'failed_precondition' }));
  });
});
