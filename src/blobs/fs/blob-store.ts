import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { BlobInfo, BlobSource, BlobStore } from '../blob-store.js';
import { checkDigest, createDigestVerifier, formatBlobPath } from '../digest.js';
import { toReadable } from '../to-readable.js';

export interface FsBlobStoreOptions {
  /** Absolute directory; blobs live under `<root>/sha256/`, uploads in progress under `<root>/tmp/`. */
  root: string;
}

/**
 * Blobs as files. A put writes a temp file in the same filesystem, fsyncs it and renames it into
 * place, so a blob path either does not exist or holds complete, verified-at-write bytes.
 */
export function createFsBlobStore(options: FsBlobStoreOptions): BlobStore {
  const { root } = options;
  const tmpDir = join(root, 'tmp');
  const pathOf = (digest: string) => join(root, formatBlobPath(digest));

  const statBlob = async (digest: string): Promise<BlobInfo | undefined> => {
    try {
      return { digest, size: (await stat(pathOf(digest))).size };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };

  return {
    async put(source: BlobSource): Promise<BlobInfo> {
      await mkdir(tmpDir, { recursive: true });
      const tmpPath = join(tmpDir, randomUUID());
      const hash = createHash('sha256');
      let size = 0;
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      try {
        await pipeline(toReadable(source), hashing, createWriteStream(tmpPath, { flags: 'wx' }));
        const handle = await open(tmpPath, 'r');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
        const digest = hash.digest('hex');
        const target = pathOf(digest);
        await mkdir(dirname(target), { recursive: true });
        // rename replaces an existing blob with identical bytes atomically; readers holding the old
        // file keep reading it. So concurrent puts of one content need no lock.
        await rename(tmpPath, target);
        return { digest, size };
      } catch (err) {
        await rm(tmpPath, { force: true });
        throw describeWriteError(err, root);
      }
    },

    async get(digest: string): Promise<Readable | undefined> {
      checkDigest(digest);
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(pathOf(digest), 'r');
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
      const verifier = createDigestVerifier(digest);
      // Errors of either side reach the verifier, which is what the caller reads.
      pipeline(handle.createReadStream(), verifier).catch(() => {});
      return verifier;
    },

    async has(digest: string): Promise<boolean> {
      checkDigest(digest);
      return (await statBlob(digest)) !== undefined;
    },

    async stat(digest: string): Promise<BlobInfo | undefined> {
      checkDigest(digest);
      return statBlob(digest);
    },

    async delete(digest: string): Promise<boolean> {
      checkDigest(digest);
      try {
        await unlink(pathOf(digest));
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
  };
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * A full disk is the operator's to fix, and the raw ENOSPC would reach callers as an internal error
 * ("see the server log"): said plainly instead, as unavailable (the upload may pass once space is freed).
 * The temp file is already removed, so nothing partial is left.
 */
function describeWriteError(err: unknown, root: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return err;
  const what = code === 'ENOSPC' ? 'no space left on the device' : 'the disk quota is exceeded';
  return new AppError(
    ErrorCode.unavailable,
    `the blob store at ${root} is full (${code}: ${what}); nothing was stored — free space there (expired artifacts, old caches) or set SLIPWAY_BLOB_DIR to a larger volume`,
    { cause: err, details: { reason: 'blob_store_full', errno: code } },
  );
}
