import { randomBytes } from 'node:crypto';
import { chmod, lstat, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BlobStore, unpackArchive } from '../../blobs/index.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Release } from './release.js';

const markerName = '.slipway-release';

/** Where an agent gets a release's archive: the server's blob route (undefined: the blob is gone). */
export interface ReleaseArchiveSource {
  get(digest: string): Promise<AsyncIterable<Uint8Array> | undefined>;
}

/**
 * The release's files in `<dataDir>/releases/<service>/<version>/`, unpacked once: into a temporary
 * sibling, made read-only, then renamed into place, so a reader never sees a half-unpacked release and
 * concurrent calls agree (the loser of the rename discards its copy). The marker file holds the digest,
 * which is checked on every later call.
 */
export async function materializeRelease(
  blobs: Pick<BlobStore, 'get'> | ReleaseArchiveSource,
  dataDir: string,
  release: Pick<Release, 'service' | 'version' | 'digest'>,
): Promise<string> {
  const dir = join(dataDir, 'releases', release.service, release.version);
  if (await holdsDigest(dir, release.digest)) return dir;
  const source = await blobs.get(release.digest);
  if (!source) {
    throw new AppError(ErrorCode.failedPrecondition, `the files of release ${release.version} of ${release.service} (blob ${release.digest}) are gone from the blob store`);
  }
  const tmp = `${dir}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await unpackArchive(source, tmp);
    await writeFile(join(tmp, markerName), `${release.digest}\n`);
    await makeReadOnly(tmp);
    await rename(tmp, dir).catch(async (error: NodeJS.ErrnoException) => {
      if ((error.code === 'ENOTEMPTY' || error.code === 'EEXIST') && (await holdsDigest(dir, release.digest))) return;
      throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return dir;
}

async function holdsDigest(dir: string, digest: string): Promise<boolean> {
  const marker = await readFile(join(dir, markerName), 'utf8').catch(() => undefined);
  if (marker === undefined) return false;
  if (marker.trim() !== digest) {
    throw new AppError(ErrorCode.internal, `${dir} holds another release (digest ${marker.trim()}, expected ${digest}); remove the directory and retry`);
  }
  return true;
}

/** Write bits off, children first: a running replica cannot change its own release's files. */
async function makeReadOnly(path: string): Promise<void> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return;
  if (info.isDirectory()) {
    for (const entry of await readdir(path)) await makeReadOnly(join(path, entry));
  }
  await chmod(path, info.mode & 0o555);
}
