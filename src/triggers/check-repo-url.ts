import { AppError, ErrorCode } from '../errors/app-error.js';

const urlPattern = /^(https?|ssh|git|file):\/\/[^\s]+$/i;
/** scp-like `[user@]host:path`, e.g. git@github.com:acme/web.git (no `/` before the colon: git reads that as a path). */
const scpPattern = /^([A-Za-z0-9._~][A-Za-z0-9._~-]*@)?[A-Za-z0-9][A-Za-z0-9.-]*:(?!\/\/)[^\s]+$/;

/**
 * Accepts the repository addresses Slipway fetches from: http(s), ssh, git and file URLs, scp-like
 * ssh addresses and absolute local paths. Refuses the rest before git sees them — above all a leading
 * `-` (git would read an option) and `transport::address`, which names a remote helper and, for
 * `ext::`, runs a command. Returns the address unchanged.
 */
export function checkRepoUrl(repoUrl: string): string {
  const refuse = (why: string): never => {
    throw new AppError(
      ErrorCode.invalidArgument,
      `repository address ${JSON.stringify(repoUrl.slice(0, 200))} ${why}: use https://host/owner/repo.git, ssh://…, git@host:owner/repo.git or an absolute path`,
    );
  };
  if (repoUrl === '') refuse('is empty');
  if (/[\u0000-\u001f\u007f]/.test(repoUrl)) refuse('contains control characters');
  if (repoUrl.startsWith('-')) refuse('starts with -, which git would read as an option');
  if (repoUrl.includes('::')) refuse('names a git remote helper (transport::address)');
  if (repoUrl.startsWith('/')) return repoUrl;
  if (urlPattern.test(repoUrl)) {
    let url: URL | undefined;
    try {
      url = new URL(repoUrl);
    } catch {
      refuse('is not a valid URL');
    }
    // ssh would read `-oProxyCommand=…` as an option (git refuses it too, since 2.14.1).
    if (url?.hostname.startsWith('-') || url?.username.startsWith('-')) refuse('has a host or user starting with -');
    return repoUrl;
  }
  if (scpPattern.test(repoUrl)) return repoUrl;
  return refuse('is not a URL, an scp-like address or an absolute path');
}

const shaPattern = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/** A full commit id (SHA-1 or SHA-256), lower case: never an option, a ref name or a rev expression. */
export function checkCommitSha(sha: string, what = 'commit'): string {
  if (!shaPattern.test(sha)) {
    throw new AppError(ErrorCode.invalidArgument, `${what} ${JSON.stringify(sha.slice(0, 100))} is not a full commit id (40 or 64 lower-case hex digits)`);
  }
  return sha;
}
