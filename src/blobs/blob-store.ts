import type { Readable } from 'node:stream';

/** The bytes handed to put: a Buffer, or a stream read to its end. */
export type BlobSource = Buffer | Uint8Array | Readable | AsyncIterable<Uint8Array>;

export interface BlobInfo {
  /** sha256 of the content, 64 lowercase hex digits. */
  digest: string;
  /** Bytes. */
  size: number;
}

/**
 * Content-addressed storage: a blob is named by the sha256 of its bytes, so a put of content that is
 * already stored is a no-op, and concurrent puts of one content are safe. Every implementation passes
 * blob-store.contract.test.ts.
 */
export interface BlobStore {
  /** Stores the bytes, hashing them while they are written; resolves once they are durable under their digest. */
  put(source: BlobSource): Promise<BlobInfo>;
  /**
   * The blob's bytes, or undefined when it is not stored. The stream is verified while it is read: it
   * fails at its end, before signalling completion, when the bytes do not hash to `digest`.
   */
  get(digest: string): Promise<Readable | undefined>;
  has(digest: string): Promise<boolean>;
  stat(digest: string): Promise<BlobInfo | undefined>;
  /** Resolves true when it deleted the blob, false when it was not stored. */
  delete(digest: string): Promise<boolean>;
}
