import { AppError, ErrorCode } from '../errors/app-error.js';
import { refreshMirror } from './open-mirror.js';
import { runGit } from './run-git.js';

export interface ResolveRefInput {
  repoUrl: string;
  /** A branch, tag, full ref name or commit id, as a person would type it. */
  ref: string;
  /** Directory of repository mirrors (see openMirror). */
  cacheDir: string;
  /** Per git command; default runGit's. */
  timeoutMs?: number;
}

/**
 * The commit `ref` names in repoUrl now: the mirror is fetched first (a branch moves, so a cached
 * answer would be stale), then the ref is resolved inside it. Throws not_found when it names no
 * commit, invalid_argument for a ref git could read as an option or a bad address.
 */
export async function resolveRef(input: ResolveRefInput): Promise<{ commitSha: string; mirrorDir: string }> {
  checkRefName(input.ref);
  const mirrorDir = await refreshMirror(input);
  const commitSha = await resolveCommitInMirror(mirrorDir, input.ref);
  if (!commitSha) {
    throw new AppError(
      ErrorCode.notFound,
      `ref ${JSON.stringify(input.ref)} does not name a commit in ${input.repoUrl}: push it first, or give an existing branch, tag or commit id`,
      { details: { repoUrl: input.repoUrl, ref: input.ref } },
    );
  }
  return { commitSha, mirrorDir };
}

/** The full commit id `ref` names among the mirror's refs and objects, or undefined; never fetches. */
export async function resolveCommitInMirror(mirrorDir: string, ref: string): Promise<string | undefined> {
  checkRefName(ref);
  // --end-of-options as well as the check above: belt and braces against option injection.
  const result = await runGit([`--git-dir=${mirrorDir}`, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  const sha = result.stdout.toString('utf8').trim();
  return result.exitCode === 0 && /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(sha) ? sha : undefined;
}

function checkRefName(ref: string): void {
  if (ref === '' || ref.startsWith('-') || /[\u0000-\u001f\u007f\s]/.test(ref) || ref.length > 500) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `ref ${JSON.stringify(ref.slice(0, 100))} is not a ref name or commit id (it is empty, starts with -, or contains spaces or control characters)`,
    );
  }
}
