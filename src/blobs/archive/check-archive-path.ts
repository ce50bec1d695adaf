import { AppError, ErrorCode } from '../../errors/app-error.js';

/**
 * Accepts only a relative, `/`-separated path that stays where it is put: no absolute path, drive
 * letter or backslash, no `..`, `.` or empty segment, no NUL or other control character. Every path
 * that enters or leaves an archive goes through here.
 */
export function checkArchivePath(path: string, what = 'path'): string {
  const problem = findPathProblem(path);
  if (problem) {
    throw new AppError(ErrorCode.invalidArgument, `${what} ${JSON.stringify(path)} is not allowed: ${problem}`, {
      details: { path },
    });
  }
  return path;
}

function findPathProblem(path: string): string | undefined {
  if (path === '') return 'it is empty';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'it contains a NUL or control character';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'it is absolute; use a path relative to the workspace';
  if (path.includes('\\')) return "it contains '\\'; use '/' as the separator";
  if (Buffer.byteLength(path) > 4096) return 'it is longer than 4096 bytes';
  for (const segment of path.split('/')) {
    if (segment === '..') return "it contains a '..' segment, which could escape the destination";
    if (segment === '.' || segment === '') return "it contains an empty or '.' segment";
  }
  return undefined;
}
