import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, readlink, symlink } from 'node:fs/promises';
import path from 'node:path';
import { listSourceFiles } from './list-source-files.js';

export interface WorkspaceFactory {
  /** A fresh directory under the run directory holding a copy of the repository's files. */
  prepare(jobId: string): Promise<string>;
}

export interface WorkspaceFactoryOptions {
  repoDir: string;
  /** Workspaces are created here, one directory per job attempt. */
  runDir: string;
  /** Files copied at once; bounded so 200 parallel jobs do not exhaust file descriptors. */
  copyConcurrency?: number;
}

/**
 * Lists the repository's files once (on the first prepare) and copies them for every job
 * attempt. Copies, never hard links: a job must not be able to modify the user's files.
 * COPYFILE_FICLONE makes the copy a reflink on filesystems that support it (btrfs, xfs).
 */
export function createWorkspaceFactory(options: WorkspaceFactoryOptions): WorkspaceFactory {
  const repoDir = path.resolve(options.repoDir);
  const runDir = path.resolve(options.runDir);
  const concurrency = options.copyConcurrency ?? 32;
  let files: Promise<string[]> | undefined;
  return {
    async prepare(jobId) {
      files ??= listSourceFiles(repoDir, excludedDirsOf(repoDir, runDir));
      const workspace = await makeFreshDir(runDir, sanitizeJobId(jobId));
      await copyFiles(repoDir, workspace, await files, concurrency);
      return workspace;
    },
  };
}

/** One-off form of createWorkspaceFactory(...).prepare(jobId). */
export function prepareWorkspace(repoDir: string, runDir: string, jobId: string): Promise<string> {
  return createWorkspaceFactory({ repoDir, runDir }).prepare(jobId);
}

/** `test[node=20,os=linux]` -> `test-node=20,os=linux`: readable, and safe in a shell. */
export function sanitizeJobId(jobId: string): string {
  const name = jobId.replace(/[^A-Za-z0-9._,=-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return name === '' ? 'job' : name;
}

function excludedDirsOf(repoDir: string, runDir: string): string[] {
  const relative = path.relative(repoDir, runDir);
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  return inside ? ['.slipway', relative.split(path.sep).join('/')] : ['.slipway'];
}

/** Retries and name collisions (sanitised ids can clash) get `-2`, `-3`, ...: never reused. */
async function makeFreshDir(parent: string, name: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  for (let n = 1; ; n++) {
    const dir = path.join(parent, n === 1 ? name : `${name}-${n}`);
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

async function copyFiles(from: string, to: string, files: string[], concurrency: number): Promise<void> {
  const dirs = new Set<string>();
  for (const file of files) dirs.add(path.posix.dirname(file));
  dirs.delete('.');
  await Promise.all([...dirs].map((dir) => mkdir(path.join(to, dir), { recursive: true })));
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      await copyEntry(path.join(from, file), path.join(to, file));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
}

async function copyEntry(source: string, target: string): Promise<void> {
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(source);
  } catch (error) {
    // Tracked but deleted in the working tree: the job sees the tree as it is on disk.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (stats.isSymbolicLink()) {
    await symlink(await readlink(source), target);
  } else if (stats.isDirectory()) {
    // A submodule (git lists its gitlink as one path): copy its files, not its .git.
    const nested = await listSourceFiles(source, []);
    await mkdir(target, { recursive: true });
    await copyFiles(source, target, nested, 8);
  } else if (stats.isFile()) {
    await copyFile(source, target, constants.COPYFILE_FICLONE);
  }
}
