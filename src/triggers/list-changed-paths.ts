import { AppError, ErrorCode } from '../errors/app-error.js';
import { checkCommitSha } from './check-repo-url.js';
import { hasCommit } from './open-mirror.js';
import { isZeroSha } from './trigger-event.js';
import { runGit } from './run-git.js';

export interface ListChangedPathsOptions {
  /**
   * Diff from the merge base of before and after (`before...after`), as a pull request's changes are
   * counted; default false: the straight difference, as for a push.
   */
  fromMergeBase?: boolean;
}

/**
 * Files that differ between two commits of a mirror, sorted — for events whose payload does not say.
 * A rename counts as both paths. undefined (unknown: apply no path filter) when `before` is the
 * all-zero id of a new ref, or either commit is not in the mirror (e.g. force-pushed away).
 */
export async function listChangedPaths(
  mirrorDir: string,
  before: string,
  after: string,
  options: ListChangedPathsOptions = {},
): Promise<string[] | undefined> {
  if (isZeroSha(before)) return undefined;
  checkCommitSha(before, 'before commit');
  checkCommitSha(after, 'after commit');
  if (!(await hasCommit(mirrorDir, before)) || !(await hasCommit(mirrorDir, after))) return undefined;
  const range = options.fromMergeBase ? [`${before}...${after}`] : [before, after];
  const diff = await runGit([`--git-dir=${mirrorDir}`, 'diff', '--name-only', '-z', '--no-renames', ...range, '--']);
  if (diff.exitCode !== 0) {
    throw new AppError(ErrorCode.internal, `git diff ${before} ${after} failed in ${mirrorDir}: ${diff.stderr}`);
  }
  return diff.stdout
    .toString('utf8')
    .split('\0')
    .filter((path) => path !== '')
    .sort();
}
