import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError, ErrorCode } from '../errors/app-error.js';

const digestPattern = /^[0-9a-f]{64}$/;

export function isDigest(value: string): boolean {
  return digestPattern.test(value);
}

/** Refuses anything but a sha256 hex digest: digests become file names and object keys. */
export function checkDigest(digest: string): string {
  if (!isDigest(digest)) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `${JSON.stringify(digest.slice(0, 80))} is not a blob digest: expected 64 lowercase hex digits (sha256)`,
    );
  }
  return digest;
}

/** `sha256/ab/cd/<digest>`: two fan-out levels keep directories small on filesystems that list slowly. */
export function formatBlobPath(digest: string): string {
  checkDigest(digest);
  return `sha256/${digest.slice(0, 2)}/${digest.slice(2, 4)}/${digest}`;
}

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Passes bytes through unchanged and fails the stream at its end, before it finishes, when they do
 * not hash to `expected`: a reader never sees a clean end of a corrupted blob.
 */
export function createDigestVerifier(expected: string): Transform {
  const hash = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      const actual = hash.digest('hex');
      if (actual === expected) return callback();
      callback(
        new AppError(
          ErrorCode.internal,
          `blob ${expected} is corrupted: its ${size} stored bytes hash to ${actual} — delete it and upload it again`,
        ),
      );
    },
  });
}
