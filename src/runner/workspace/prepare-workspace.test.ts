import { chmod, mkdir, readdir, readFile, readlink, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDirs, git } from '../test-support/fixtures.js';
import { createWorkspaceFactory, prepareWorkspace, sanitizeJobId } from './prepare-workspace.js';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

async function write(root: string, file: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), content);
}

async function listTree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** A repository with one of each kind of file prepareWorkspace must treat differently. */
async function makeRepo(): Promise<string> {
  const repo = await temp.make('slipway-repo-');
  git(repo, 'init', '-q');
  await write(repo, '.gitignore', 'ignored.txt\nnode_modules/\n');
  await write(repo, 'src/app.sh', 'echo app\n');
  await chmod(path.join(repo, 'src/app.sh'), 0o755);
  await write(repo, 'deleted.txt', 'gone soon\n');
  await symlink('src/app.sh', path.join(repo, 'link-to-app'));
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'initial');
  await unlink(path.join(repo, 'deleted.txt'));
  await write(repo, 'untracked.txt', 'new\n');
  await write(repo, 'ignored.txt', 'ignored\n');
  await write(repo, 'node_modules/dep/index.js', 'dep\n');
  await write(repo, '.slipway/runs/old/build/src/app.sh', 'a previous run\n');
  return repo;
}

describe('prepareWorkspace', () => {
  it('copies what git considers the working tree: tracked and untracked, not ignored, not deleted', async () => {
    const repo = await makeRepo();
    const workspace = await prepareWorkspace(repo, path.join(repo, '.slipway/runs/r1'), 'build');
    expect(workspace).toBe(path.join(repo, '.slipway/runs/r1/build'));
    expect(await listTree(workspace)).toEqual(['.gitignore', 'link-to-app', 'src/app.sh', 'untracked.txt']);
    expect(await readlink(path.join(workspace, 'link-to-app'))).toBe('src/app.sh');
    expect((await stat(path.join(workspace, 'src/app.sh'))).mode & 0o777).toBe(0o755);
  });

  it('copies rather than links: writing in the workspace leaves the repository untouched', async () => {
    const repo = await makeRepo();
    const workspace = await prepareWorkspace(repo, await temp.make(), 'build');
    const [original, copy] = await Promise.all([stat(path.join(repo, 'src/app.sh')), stat(path.join(workspace, 'src/app.sh'))]);
    expect(copy.ino).not.toBe(original.ino);
    await writeFile(path.join(workspace, 'src/app.sh'), 'changed by a job\n');
    expect(await readFile(path.join(repo, 'src/app.sh'), 'utf8')).toBe('echo app\n');
  });

  it('gives every attempt a fresh directory and keeps job ids readable', async () => {
    const repo = await makeRepo();
    const workspaces = createWorkspaceFactory({ repoDir: repo, runDir: await temp.make() });
    const first = await workspaces.prepare('test[node=20,os=linux]');
    await writeFile(path.join(first, 'left-behind'), 'x');
    const second = await workspaces.prepare('test[node=20,os=linux]');
    expect(path.basename(first)).toBe('test-node=20,os=linux');
    expect(path.basename(second)).toBe('test-node=20,os=linux-2');
    expect(await listTree(second)).not.toContain('left-behind');
  });

  it('copies a plain directory without .git, node_modules and .slipway', async () => {
    const dir = await temp.make('slipway-plain-');
    await write(dir, 'a.txt', 'a');
    await write(dir, 'nested/b.txt', 'b');
    await write(dir, 'node_modules/x/index.js', 'x');
    await write(dir, 'nested/node_modules/y.js', 'y');
    await write(dir, '.git/HEAD', 'ref');
    await write(dir, '.slipway/runs/old/a.txt', 'old');
    const workspace = await prepareWorkspace(dir, path.join(dir, '.slipway/runs/new'), 'job');
    expect(await listTree(workspace)).toEqual(['a.txt', 'nested/b.txt']);
  });
});

describe('sanitizeJobId', () => {
  it('keeps safe characters and replaces the rest', () => {
    expect(sanitizeJobId('build')).toBe('build');
    expect(sanitizeJobId('test[node=20]')).toBe('test-node=20');
    expect(sanitizeJobId('../../etc')).toBe('etc');
    expect(sanitizeJobId('///')).toBe('job');
  });
});
