import { describe, expect, test } from 'vitest';
import { matchesTrigger, type TriggerFilter } from './matches-trigger.js';
import type { TriggerEvent } from './trigger-event.js';

const push = (change: Partial<TriggerEvent> = {}): TriggerEvent => ({
  provider: 'github',
  kind: 'push',
  deliveryId: 'd',
  repoUrl: 'https://git.example/acme/web.git',
  repoFullName: 'acme/web',
  ref: 'refs/heads/main',
  branch: 'main',
  commitSha: 'a'.repeat(40),
  changedPaths: ['src/app.ts'],
  sender: 'dev',
  ...change,
});
const onBranch = (branch: string, change: Partial<TriggerEvent> = {}) => push({ ref: `refs/heads/${branch}`, branch, ...change });
const onTag = (tag: string) => {
  const { branch: _, ...event } = push({ ref: `refs/tags/${tag}`, tag, changedPaths: undefined });
  return event;
};
const trigger = (change: Partial<TriggerFilter> = {}): TriggerFilter => ({ branches: [], paths: [], ...change });

describe('matchesTrigger: branches', () => {
  test('no branch filter runs every branch', () => {
    expect(matchesTrigger(trigger(), onBranch('feature/x'))).toEqual({
      match: true,
      reason: 'branch feature/x: trigger.branches is empty, so every one runs; trigger.paths is empty, so any change runs',
    });
  });

  test("'release/*' matches one level of release branches only", () => {
    const releases = trigger({ branches: ['main', 'release/*'] });
    expect(matchesTrigger(releases, onBranch('release/1.2'))).toMatchObject({
      match: true,
      reason: expect.stringContaining("branch release/1.2 matches trigger.branches 'release/*'"),
    });
    expect(matchesTrigger(releases, onBranch('main')).match).toBe(true);
    expect(matchesTrigger(releases, onBranch('release/1.2/hotfix'))).toEqual({
      match: false,
      reason: 'branch release/1.2/hotfix matches none of trigger.branches [main, release/*]',
    });
    expect(matchesTrigger(releases, onBranch('feature/release')).match).toBe(false);
    expect(matchesTrigger(trigger({ branches: ['release/**'] }), onBranch('release/1.2/hotfix')).match).toBe(true);
  });

  test('a later ! pattern excludes, and only-exclusions include the rest', () => {
    const branches = ['release/*', '!release/*-beta'];
    expect(matchesTrigger(trigger({ branches }), onBranch('release/2.0-beta'))).toEqual({
      match: false,
      reason: "branch release/2.0-beta is excluded by trigger.branches '!release/*-beta'",
    });
    expect(matchesTrigger(trigger({ branches }), onBranch('release/2.0')).match).toBe(true);
    expect(matchesTrigger(trigger({ branches: ['!wip/**'] }), onBranch('main')).match).toBe(true);
    expect(matchesTrigger(trigger({ branches: ['!wip/**'] }), onBranch('wip/a/b')).match).toBe(false);
  });

  test('a pull request is filtered by the branch it merges into', () => {
    const pr = onBranch('feature/x', { kind: 'pull_request', changedPaths: undefined, pullRequest: { number: 7, baseBranch: 'main', baseSha: 'b'.repeat(40) } });
    expect(matchesTrigger(trigger({ branches: ['main'] }), pr).match).toBe(true);
    expect(matchesTrigger(trigger({ branches: ['feature/*'] }), pr)).toMatchObject({
      match: false,
      reason: 'base branch main matches none of trigger.branches [feature/*]',
    });
  });
});

describe('matchesTrigger: tags', () => {
  test('tags run when nothing filters refs or a tag pattern matches, not under a branch-only filter', () => {
    expect(matchesTrigger(trigger(), onTag('v1.0.0')).match).toBe(true);
    expect(matchesTrigger(trigger({ branches: ['main'] }), onTag('v1.0.0'))).toEqual({
      match: false,
      reason: 'tag v1.0.0: trigger.branches filters branches only, and there is no trigger.tags',
    });
    expect(matchesTrigger(trigger({ branches: ['main'], tags: ['v*'] }), onTag('v1.0.0')).match).toBe(true);
    expect(matchesTrigger(trigger({ tags: ['v*'] }), onTag('nightly')).match).toBe(false);
  });
});

describe('matchesTrigger: paths', () => {
  const src = trigger({ paths: ['src/**'] });

  test("'src/**' matches a change anywhere under src/, dotfiles included", () => {
    expect(matchesTrigger(src, push({ changedPaths: ['README.md', 'src/deep/.eslintrc'] }))).toMatchObject({
      match: true,
      reason: expect.stringContaining("src/deep/.eslintrc matches trigger.paths 'src/**'"),
    });
  });

  test('a push changing none of the paths does not run, and says which filter stopped it', () => {
    const docsOnly = push({ changedPaths: ['README.md', 'docs/a.md', 'docs/b.md', 'docs/c.md'] });
    expect(matchesTrigger(src, docsOnly)).toEqual({
      match: false,
      reason:
        'branch main: trigger.branches is empty, so every one runs; none of the 4 changed paths (README.md, docs/a.md, docs/b.md and 1 more) match trigger.paths [src/**]',
    });
    expect(matchesTrigger(src, push({ changedPaths: [] })).match).toBe(false);
  });

  test('unknown changed paths do not filter, and the reason says so', () => {
    expect(matchesTrigger(src, push({ changedPaths: undefined }))).toMatchObject({
      match: true,
      reason: expect.stringContaining('changed paths are unknown, so trigger.paths was not applied'),
    });
  });

  test('excluded paths do not count', () => {
    const noDocs = trigger({ paths: ['**', '!**/*.md'] });
    expect(matchesTrigger(noDocs, push({ changedPaths: ['README.md', 'docs/x.md'] })).match).toBe(false);
    expect(matchesTrigger(noDocs, push({ changedPaths: ['README.md', 'src/a.ts'] })).match).toBe(true);
  });

  test('the branch filter is applied before the paths', () => {
    expect(matchesTrigger(trigger({ branches: ['main'], paths: ['src/**'] }), onBranch('dev')).reason).toBe(
      'branch dev matches none of trigger.branches [main]',
    );
  });
});
