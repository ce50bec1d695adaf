import { lstat, readdir, readlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { checkArchivePath } from './check-archive-path.js';

export interface MatchedFile {
  /** Relative to the root, `/`-separated. */
  path: string;
  type: 'file' | 'symlink';
  /** Permission bits. */
  mode: number;
  /** Bytes; 0 for a symlink. */
  size: number;
  /** A symlink's target, relative to its own directory and inside the root. */
  target?: string;
}

/**
 * The files under `rootDir` selected by `patterns` (picomatch globs, relative to the root), sorted by
 * path. A pattern naming a directory selects everything below it (`node_modules`, `dist/**`); a pattern
 * starting with `!` removes what it names. Symlinks are kept as links, never followed; one pointing
 * outside the root is refused, so an archive cannot smuggle a path out of its destination.
 */
export async function matchFiles(rootDir: string, patterns: readonly string[]): Promise<MatchedFile[]> {
  const root = resolve(rootDir);
  const include: string[] = [];
  const exclude: string[] = [];
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).trim().replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    checkPattern(raw, pattern);
    (negated ? exclude : include).push(pattern);
  }
  const options = { dot: true };
  const isIncluded = picomatch(include.length > 0 ? include : ['!**'], options);
  const isExcluded = exclude.length > 0 ? picomatch(exclude, options) : () => false;
  // A path is selected when it or one of its ancestor directories matches.
  const selects = (path: string, test: (p: string) => boolean): boolean => {
    for (let p = path; p !== '.' && p !== ''; p = posix.dirname(p)) if (test(p)) return true;
    return false;
  };

  const found = new Map<string, MatchedFile>();
  const visit = async (path: string): Promise<void> => {
    if (found.has(path) || selects(path, isExcluded)) return;
    const absolute = join(root, ...path.split('/'));
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(absolute);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    if (info.isDirectory()) {
      const names = await readdir(absolute);
      for (const name of names) await visit(path === '' ? name : `${path}/${name}`);
      return;
    }
    if (path === '' || !selects(path, isIncluded)) return;
    if (info.isFile()) {
      found.set(path, { path, type: 'file', mode: info.mode & 0o777, size: info.size });
    } else if (info.isSymbolicLink()) {
      found.set(path, { path, type: 'symlink', mode: 0o777, size: 0, target: await readContainedLink(root, absolute, path) });
    }
    // Sockets, FIFOs and devices are not archived.
  };
  for (const pattern of include) {
    const base = picomatch.scan(pattern).base;
    await visit(base === '.' ? '' : base);
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function checkPattern(raw: string, pattern: string): void {
  if (pattern === '' || pattern === '.') return;
  try {
    checkArchivePath(pattern, 'pattern');
  } catch (err) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `path pattern ${JSON.stringify(raw)} must stay inside the workspace: ${(err as Error).message.split(': ').slice(1).join(': ')}`,
      { cause: err },
    );
  }
}

async function readContainedLink(root: string, absolute: string, path: string): Promise<string> {
  const target = await readlink(absolute);
  const resolved = resolve(dirname(absolute), target);
  const inside = relative(root, resolved);
  if (inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `symlink ${path} points outside the workspace (to ${target}): archive what it points to, or leave it out with a '!' pattern`,
    );
  }
  return relative(dirname(absolute), resolved).split(sep).join('/') || '.';
}
