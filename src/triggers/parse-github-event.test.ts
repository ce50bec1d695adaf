import { describe, expect, test } from 'vitest';
import { parseGitHubEvent } from './parse-github-event.js';
import { findGitHubExample, githubExamples } from './test-support/github-examples.js';

const branchPush = () => findGitHubExample('push', (p) => p.ref === 'refs/heads/master');

describe('parseGitHubEvent: push', () => {
  test('a branch push becomes an event with the union of changed paths', () => {
    const payload = branchPush();
    const commits = payload.commits as { added: string[]; modified: string[]; removed: string[] }[];
    commits.push({ ...structuredClone(commits[0]!), added: ['src/b.ts'], modified: ['README.md', 'src/a.ts'], removed: ['old.txt'] });
    expect(parseGitHubEvent('push', 'd-1', payload)).toEqual({
      kind: 'event',
      event: {
        provider: 'github',
        kind: 'push',
        deliveryId: 'd-1',
        repoUrl: 'https://github.com/Codertocat/Hello-World.git',
        repoFullName: 'Codertocat/Hello-World',
        ref: 'refs/heads/master',
        branch: 'master',
        commitSha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        changedPaths: ['README.md', 'old.txt', 'src/a.ts', 'src/b.ts'],
        sender: 'Codertocat',
      },
    });
  });

  test('keeps the previous commit of an existing branch; a new branch has none', () => {
    const payload = { ...branchPush(), before: 'a'.repeat(40) };
    const parsed = parseGitHubEvent('push', 'd', payload);
    expect(parsed.kind === 'event' && parsed.event.beforeSha).toBe('a'.repeat(40));
    const created = parseGitHubEvent('push', 'd', branchPush());
    expect(created.kind === 'event' && 'beforeSha' in created.event).toBe(false);
  });

  test('a tag push is a tag event whose changed paths are unknown', () => {
    const payload = findGitHubExample('push', (p) => p.ref === 'refs/tags/simple-tag' && p.deleted === false);
    const parsed = parseGitHubEvent('push', 'd', payload);
    expect(parsed).toMatchObject({ kind: 'event', event: { ref: 'refs/tags/simple-tag', tag: 'simple-tag', changedPaths: undefined } });
    expect(parsed.kind === 'event' && 'branch' in parsed.event).toBe(false);
  });

  test('every deleted ref in the examples is ignored, with a reason', () => {
    const deletions = githubExamples('push').filter((p) => p.deleted === true);
    expect(deletions.length).toBeGreaterThan(0);
    for (const payload of deletions) {
      expect(parseGitHubEvent('push', 'd', payload)).toEqual({ kind: 'ignored', reason: 'refs/tags/simple-tag was deleted' });
    }
    expect(parseGitHubEvent('push', 'd', { ...branchPush(), after: '0'.repeat(40) })).toMatchObject({ kind: 'ignored' });
  });

  test('changed paths are unknown when the commit list cannot be complete', () => {
    const unknownWith = (change: Record<string, unknown>) => {
      const parsed = parseGitHubEvent('push', 'd', { ...branchPush(), ...change });
      return parsed.kind === 'event' ? parsed.event.changedPaths : 'ignored';
    };
    expect(unknownWith({ commits: [] })).toBeUndefined();
    expect(unknownWith({ commits: undefined })).toBeUndefined();
    expect(unknownWith({ commits: Array.from({ length: 2048 }, () => ({ added: ['a'], modified: [], removed: [] })) })).toBeUndefined();
    expect(unknownWith({ commits: [{ added: Array.from({ length: 5000 }, (_, i) => `f${i}`), modified: [], removed: [] }] })).toBeUndefined();
    expect(unknownWith({ commits: [{ added: ['a'] }] })).toBeUndefined();
    expect(unknownWith({ commits: [{ added: ['a'], modified: [], removed: [] }] })).toEqual(['a']);
  });

  test('pushes to other refs are ignored; a payload without its ref is refused', () => {
    expect(parseGitHubEvent('push', 'd', { ...branchPush(), ref: 'refs/notes/commits' })).toEqual({
      kind: 'ignored',
      reason: 'refs/notes/commits is neither a branch nor a tag',
    });
    expect(() => parseGitHubEvent('push', 'd', { ...branchPush(), ref: undefined })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining('push payload has no ref') }),
    );
    expect(() => parseGitHubEvent('push', 'd', [])).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('parseGitHubEvent: pull_request', () => {
  test('opened, synchronize and reopened build the head commit; the base branch is kept', () => {
    for (const action of ['opened', 'synchronize', 'reopened']) {
      const payload = findGitHubExample('pull_request', (p) => p.action === action);
      expect(parseGitHubEvent('pull_request', 'd-2', payload)).toEqual({
        kind: 'event',
        event: {
          provider: 'github',
          kind: 'pull_request',
          deliveryId: 'd-2',
          repoUrl: 'https://github.com/Codertocat/Hello-World.git',
          repoFullName: 'Codertocat/Hello-World',
          ref: 'refs/pull/2/head',
          branch: 'changes',
          commitSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
          sender: 'Codertocat',
          pullRequest: { number: 2, baseBranch: 'master', baseSha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e' },
        },
      });
    }
  });

  test('every other action in the examples is ignored with a reason naming it', () => {
    const others = githubExamples('pull_request').filter((p) => !['opened', 'synchronize', 'reopened'].includes(String(p.action)));
    expect(others.length).toBeGreaterThan(10);
    for (const payload of others) {
      expect(parseGitHubEvent('pull_request', 'd', payload)).toEqual({
        kind: 'ignored',
        reason: `pull request #2 ${String(payload.action)}: only opened, synchronize and reopened trigger runs`,
      });
    }
  });
});

describe('parseGitHubEvent: other events', () => {
  test('ping and every other example event are ignored, never thrown', () => {
    expect(parseGitHubEvent('ping', 'd', githubExamples('ping')[0])).toEqual({
      kind: 'ignored',
      reason: 'ping (hook 109948940): the webhook reaches Slipway',
    });
    for (const name of ['issues', 'release', 'star', 'workflow_run', 'check_suite']) {
      for (const payload of githubExamples(name)) {
        expect(parseGitHubEvent(name, 'd', payload)).toEqual({
          kind: 'ignored',
          reason: `GitHub event '${name}' does not trigger runs; only push and pull_request do`,
        });
      }
    }
  });
});
