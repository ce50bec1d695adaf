import { expect, test } from 'vitest';
import { checkRepoUrl } from './check-repo-url.js';

test.each([
  'https://github.com/acme/web.git',
  'http://gitlab.example:8080/group/sub/web.git',
  'ssh://git@git.example:2222/acme/web.git',
  'git://git.example/acme/web.git',
  'file:///srv/git/web.git',
  'git@github.com:acme/web.git',
  'github.com:acme/web.git',
  'git@git.example:/srv/git/web.git',
  '/srv/git/web.git',
])('accepts %s', (url) => {
  expect(checkRepoUrl(url)).toBe(url);
});

test.each([
  ['', 'is empty'],
  ['--upload-pack=touch /tmp/x', 'starts with -'],
  ['-oProxyCommand=evil', 'starts with -'],
  ['ext::sh -c evil', 'remote helper'],
  ['fd::3', 'remote helper'],
  ['https://host/repo\n.git', 'control characters'],
  ['relative/repo', 'is not a URL'],
  ['ftp://host/repo.git', 'is not a URL'],
  ['ssh://-oProxyCommand=evil/repo', 'starting with -'],
  ['ssh://-oProxyCommand=evil@host/repo', 'starting with -'],
  ['git@-oProxyCommand=evil:repo', 'is not a URL'],
])('refuses %j (%s)', (url, reason) => {
  expect(() => checkRepoUrl(url)).toThrow(expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining(reason) }));
});
