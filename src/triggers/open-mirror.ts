import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { checkCommitSha, checkRepoUrl } from './check-repo-url.js';
import { callGitRemote, defaultGitRemoteCalls, type GitRemoteCalls } from './git-remote-calls.js';
import { runGit } from './run-git.js';

export interface OpenMirrorInput {
  repoUrl: string;
  /** A commit the mirror must contain: fetched when missing. */
  commitSha: string;
  /** Directory of mirrors, one bare `<hash of the URL>.git` per repository. */
  cacheDir: string;
  /** Per git command; default runGit's. */
  timeoutMs?: number;
  /** Retries and circuit breaker of clones and fetches; default one breaker per remote for the process. */
  remoteCalls?: GitRemoteCalls;
}

/** Where the mirror of repoUrl lives: named by a hash, so no URL character reaches the file system. */
export function mirrorDirFor(cacheDir: string, repoUrl: string): string {
  return join(cacheDir, `${createHash('sha256').update(repoUrl).digest('hex').slice(0, 32)}.git`);
}

/**
 * A bare mirror of repoUrl that contains commitSha: cloned on first use (`git clone --mirror`),
 * fetched (`+refs/*:refs/*`, pruned) only when the commit is missing. Returns its directory.
 *
 * Concurrency. Readers take no lock: git writes objects and packs to temporary files and renames
 * them into place, so a reader sees a commit only once it and everything it needs are there, and a
 * fresh mirror appears whole because it is cloned into a temporary directory and renamed. Writers
 * (clone, fetch) of one mirror queue on an in-process mutex, and re-check after waiting, so a burst of
 * webhooks for one new commit fetches once. Across processes sharing cacheDir, git's own lock files
 * (`refs/…lock`, `packed-refs.lock`) make a concurrent fetch fail rather than corrupt; we retry it once.
 */
export async function openMirror(input: OpenMirrorInput): Promise<string> {
  const repoUrl = checkRepoUrl(input.repoUrl);
  const commitSha = checkCommitSha(input.commitSha);
  const dir = mirrorDirFor(input.cacheDir, repoUrl);
  const options = input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs };
  if (await hasCommit(dir, commitSha)) return dir;
  return withMirrorLock(dir, async () => {
    if (!(await isMirror(dir))) await callGitRemote(input.remoteCalls ?? defaultGitRemoteCalls, repoUrl, () => cloneMirror(repoUrl, input.cacheDir, dir, options));
    if (await hasCommit(dir, commitSha)) return dir;
    await callGitRemote(input.remoteCalls ?? defaultGitRemoteCalls, repoUrl, () => fetchMirror(repoUrl, dir, options));
    if (await hasCommit(dir, commitSha)) return dir;
    throw new AppError(
      ErrorCode.notFound,
      `commit ${commitSha} is not in ${repoUrl}, even after fetching it just now: was it force-pushed away, or pushed to another repository?`,
      { details: { repoUrl, commitSha } },
    );
  });
}

/**
 * The mirror of repoUrl brought up to date now: cloned when missing, otherwise fetched. For
 * resolving a branch name, whose commit changes; openMirror suits a known commit better (no fetch
 * when it is there). Same locking as openMirror.
 */
export async function refreshMirror(input: Omit<OpenMirrorInput, 'commitSha'>): Promise<string> {
  const repoUrl = checkRepoUrl(input.repoUrl);
  const dir = mirrorDirFor(input.cacheDir, repoUrl);
  const options = input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs };
  return withMirrorLock(dir, async () => {
    if (!(await isMirror(dir))) await callGitRemote(input.remoteCalls ?? defaultGitRemoteCalls, repoUrl, () => cloneMirror(repoUrl, input.cacheDir, dir, options));
    else await callGitRemote(input.remoteCalls ?? defaultGitRemoteCalls, repoUrl, () => fetchMirror(repoUrl, dir, options));
    return dir;
  });
}

/** Whether the mirror holds the commit (false when there is no mirror yet). */
export async function hasCommit(dir: string, commitSha: string): Promise<boolean> {
  if (!(await isMirror(dir))) return false;
  const result = await runGit([`--git-dir=${dir}`, 'cat-file', '-e', `${commitSha}^{commit}`]);
  return result.exitCode === 0;
}

async function isMirror(dir: string): Promise<boolean> {
  return stat(join(dir, 'HEAD')).then(
    () => true,
    () => false,
  );
}

async function cloneMirror(repoUrl: string, cacheDir: string, dir: string, options: { timeoutMs?: number }): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const staging = await mkdtemp(join(cacheDir, '.clone-'));
  try {
    const cloned = await runGit(['clone', '--mirror', '--quiet', '--', repoUrl, staging], options);
    if (cloned.exitCode !== 0) throw gitFailure(`cannot clone ${repoUrl}`, cloned.stderr);
    // Another process may have renamed its clone into place first; theirs is as good as ours.
    await rename(staging, dir).catch(async (error: NodeJS.ErrnoException) => {
      if (!(error.code === 'ENOTEMPTY' || error.code === 'EEXIST') || !(await isMirror(dir))) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function fetchMirror(repoUrl: string, dir: string, options: { timeoutMs?: number }): Promise<void> {
  const args = [`--git-dir=${dir}`, 'fetch', '--prune', '--quiet', 'origin', '+refs/*:refs/*'];
  let fetched = await runGit(args, options);
  if (fetched.exitCode !== 0 && /\.lock\b|cannot lock/i.test(fetched.stderr)) fetched = await runGit(args, options);
  if (fetched.exitCode !== 0) throw gitFailure(`cannot fetch ${repoUrl}`, fetched.stderr);
}

function gitFailure(what: string, stderr: string): AppError {
  const reason = stderr.split('\n').filter((line) => line.trim() !== '').at(-1) ?? 'git failed without a message';
  return new AppError(ErrorCode.unavailable, `${what}: ${reason} — check the address and that this server can reach it`, {
    details: { stderr },
  });
}

const writers = new Map<string, Promise<void>>();

async function withMirrorLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const previous = writers.get(dir) ?? Promise.resolve();
  let release = (): void => {};
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => mine);
  writers.set(dir, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (writers.get(dir) === tail) writers.delete(dir);
  }
}
