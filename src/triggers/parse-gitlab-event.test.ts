import { describe, expect, test } from 'vitest';
import { parseGitLabEvent } from './parse-gitlab-event.js';

/** Shaped like the Push Hook example of GitLab's webhook events documentation. */
const pushHook = () => ({
  object_kind: 'push',
  event_name: 'push',
  before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
  after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
  ref: 'refs/heads/master',
  ref_protected: true,
  checkout_sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
  user_name: 'John Smith',
  user_username: 'jsmith',
  project_id: 15,
  project: {
    id: 15,
    name: 'Diaspora',
    git_ssh_url: 'git@example.com:mike/diaspora.git',
    git_http_url: 'http://example.com/mike/diaspora.git',
    path_with_namespace: 'mike/diaspora',
    default_branch: 'master',
  },
  commits: [
    { id: 'b6568db1', added: ['CHANGELOG'], modified: ['app/controller/application.rb'], removed: [] },
    { id: 'da156088', added: ['CHANGELOG'], modified: ['app/controller/application.rb'], removed: ['lib/old.rb'] },
  ],
  total_commits_count: 2,
});

/** Tag Push Hook: `after` is the tag object of an annotated tag, checkout_sha its commit. */
const tagPushHook = () => ({
  object_kind: 'tag_push',
  event_name: 'tag_push',
  before: '0000000000000000000000000000000000000000',
  after: '82b3d5ae55f7080f1e6022629cdb57bfae7cccc7',
  ref: 'refs/tags/v1.0.0',
  checkout_sha: '5937ac0a7beb003549fc5fd26fc247adbce4a52e',
  user_username: 'jsmith',
  project: { git_http_url: 'http://example.com/jsmith/example.git', path_with_namespace: 'jsmith/example' },
  commits: [],
  total_commits_count: 0,
});

describe('parseGitLabEvent', () => {
  test('a Push Hook becomes a push event with the union of changed paths', () => {
    expect(parseGitLabEvent('Push Hook', 'uuid-1', pushHook())).toEqual({
      kind: 'event',
      event: {
        provider: 'gitlab',
        kind: 'push',
        deliveryId: 'uuid-1',
        repoUrl: 'http://example.com/mike/diaspora.git',
        repoFullName: 'mike/diaspora',
        ref: 'refs/heads/master',
        branch: 'master',
        commitSha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
        beforeSha: '95790bf891e76fee5e1747ab589903a6a1f80f22',
        changedPaths: ['CHANGELOG', 'app/controller/application.rb', 'lib/old.rb'],
        sender: 'jsmith',
      },
    });
  });

  test('more commits than listed (GitLab lists 20) leaves the changed paths unknown', () => {
    const parsed = parseGitLabEvent('Push Hook', 'u', { ...pushHook(), total_commits_count: 21 });
    expect(parsed.kind === 'event' && parsed.event.changedPaths).toBeUndefined();
  });

  test('a Tag Push Hook builds the tagged commit, not the tag object', () => {
    expect(parseGitLabEvent('Tag Push Hook', 'u', tagPushHook())).toMatchObject({
      kind: 'event',
      event: { ref: 'refs/tags/v1.0.0', tag: 'v1.0.0', commitSha: '5937ac0a7beb003549fc5fd26fc247adbce4a52e', changedPaths: undefined },
    });
  });

  test('a deleted branch or tag is ignored', () => {
    const deleted = { ...pushHook(), after: '0'.repeat(40), checkout_sha: null, commits: [], total_commits_count: 0 };
    expect(parseGitLabEvent('Push Hook', 'u', deleted)).toEqual({ kind: 'ignored', reason: 'refs/heads/master was deleted' });
    expect(parseGitLabEvent('Tag Push Hook', 'u', { ...tagPushHook(), after: '0'.repeat(40), checkout_sha: null })).toMatchObject({
      kind: 'ignored',
    });
  });

  test('other hooks are ignored; a payload of another kind than its header says is refused', () => {
    expect(parseGitLabEvent('Merge Request Hook', 'u', { object_kind: 'merge_request' })).toEqual({
      kind: 'ignored',
      reason: "GitLab event 'Merge Request Hook' does not trigger runs; only Push Hook and Tag Push Hook do",
    });
    expect(() => parseGitLabEvent('Push Hook', 'u', tagPushHook())).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining("object_kind \"tag_push\", expected 'push'") }),
    );
    expect(() => parseGitLabEvent('Push Hook', 'u', 'push')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
