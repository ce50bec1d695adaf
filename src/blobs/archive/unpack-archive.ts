import { createWriteStream } from 'node:fs';
import { chmod, lstat, mkdir, rm, symlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { readTar } from '../tar/read-tar.js';
import { checkArchivePath } from './check-archive-path.js';

export interface UnpackResult {
  /** Files and symlinks written. */
  files: number;
  /** Bytes of file content written. */
  bytes: number;
}

/**
 * Extracts a tar archive into destDir, refusing anything that could land outside it: every path is
 * checked (checkArchivePath), no write goes through a symlink (an earlier entry's or one already in
 * destDir), and symlinks are created last, only when their target stays inside destDir. Existing files
 * are replaced. An archive refused part way leaves what was extracted before the bad entry.
 */
export async function unpackArchive(source: AsyncIterable<Uint8Array>, destDir: string): Promise<UnpackResult> {
  const root = resolve(destDir);
  await mkdir(root, { recursive: true });
  const links: { path: string; target: string }[] = [];
  const result: UnpackResult = { files: 0, bytes: 0 };
  for await (const entry of readTar(source)) {
    const path = checkArchivePath(entry.path, 'archive entry');
    const target = join(root, ...path.split('/'));
    if (entry.type === 'symlink') {
      checkLinkTarget(root, target, path, entry.target);
      links.push({ path, target: entry.target });
      continue;
    }
    await ensureRealDirectories(root, dirname(target), path);
    if (entry.type === 'directory') {
      await ensureRealDirectories(root, target, path);
      continue;
    }
    // Removing first means the exclusive create below never follows a symlink planted at the path.
    await removeUnlessDirectory(target, path);
    await pipeline(entry.body, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
    await chmod(target, entry.mode & 0o777);
    result.files++;
    result.bytes += entry.size;
  }
  for (const link of links) {
    const target = join(root, ...link.path.split('/'));
    await ensureRealDirectories(root, dirname(target), link.path);
    await removeUnlessDirectory(target, link.path);
    await symlink(link.target, target);
    result.files++;
  }
  return result;
}

function refuse(path: string, why: string): AppError {
  return new AppError(ErrorCode.invalidArgument, `archive entry ${JSON.stringify(path)} is not allowed: ${why}`, {
    details: { path },
  });
}

function checkLinkTarget(root: string, linkPath: string, path: string, linkTarget: string): void {
  if (linkTarget === '' || linkTarget.includes('\u0000') || linkTarget.startsWith('/')) {
    throw refuse(path, `it is a symlink to ${JSON.stringify(linkTarget)}; only relative targets are allowed`);
  }
  const inside = relative(root, resolve(dirname(linkPath), linkTarget));
  if (inside === '..' || inside.startsWith(`..${sep}`)) {
    throw refuse(path, `it is a symlink to ${JSON.stringify(linkTarget)}, outside the destination`);
  }
}

/** mkdir -p from root down to dir, refusing to pass through anything that is not a real directory. */
async function ensureRealDirectories(root: string, dir: string, path: string): Promise<void> {
  const parts = relative(root, dir).split(sep).filter((p) => p !== '');
  let current = root;
  for (const part of parts) {
    current = join(current, part);
    let info: Awaited<ReturnType<typeof lstat>> | undefined;
    try {
      info = await lstat(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (!info) {
      await mkdir(current).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      continue;
    }
    if (info.isSymbolicLink()) throw refuse(path, `${relative(root, current)} is a symlink; nothing is extracted through one`);
    if (!info.isDirectory()) throw refuse(path, `${relative(root, current)} is a file, not a directory`);
  }
}

async function removeUnlessDirectory(target: string, path: string): Promise<void> {
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (info.isDirectory()) throw refuse(path, 'a directory already exists at that path');
  await rm(target, { force: true });
}
