/**
 * The one contract every BlobStore passes: the filesystem store in a temp dir, and the S3 store
 * against a real S3 API (s3rver) in a child process.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from './blob-store.js';
import { formatBlobPath, hashBytes } from './digest.js';
import { createFsBlobStore } from './fs/blob-store.js';
import { createS3BlobStore } from './s3/blob-store.js';
import { startS3rver } from './s3/start-s3rver.js';

interface Variant {
  store: BlobStore;
  /** Replaces the stored bytes of a blob behind the store's back. */
  overwrite(digest: string, bytes: Buffer): Promise<void>;
  close(): Promise<void>;
}

const mib = 1024 * 1024;
/** The S3 minimum, so a few MiB exercise multipart uploads. */
const s3PartSizeBytes = 5 * mib;

const variants: Record<string, () => Promise<Variant>> = {
  fs: async () => {
    const root = await mkdtemp(join(tmpdir(), 'slipway-blobs-'));
    return {
      store: createFsBlobStore({ root }),
      overwrite: (digest, bytes) => writeFile(join(root, formatBlobPath(digest)), bytes),
      close: () => rm(root, { recursive: true, force: true }),
    };
  },
  s3: async () => {
    const server = await startS3rver();
    const bucket = `blobs-${randomBytes(4).toString('hex')}`;
    await server.createBucket(bucket);
    const prefix = 'ci/';
    return {
      store: createS3BlobStore({ client: server.client, bucket, prefix, partSizeBytes: s3PartSizeBytes }),
      overwrite: async (digest, bytes) => {
        await server.client.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + formatBlobPath(digest), Body: bytes }));
      },
      close: () => server.stop(),
    };
  },
};

/**
 * Deterministic chunks, generated as they are read: the whole blob is never in memory. One hashed block
 * stamped with the chunk number, so no two chunks are alike and generating costs next to nothing.
 */
async function* generateChunks(totalBytes: number, chunkBytes = 64 * 1024, seed = 'seed'): AsyncGenerator<Buffer> {
  const block = Buffer.alloc(chunkBytes);
  for (let offset = 0; offset < chunkBytes; offset += 32) createHash('sha256').update(`${seed}${offset}`).digest().copy(block, offset);
  for (let sent = 0, n = 0; sent < totalBytes; sent += chunkBytes, n++) {
    const chunk = Buffer.from(block.subarray(0, Math.min(chunkBytes, totalBytes - sent)));
    chunk.writeUInt32BE(n, 0);
    yield chunk;
  }
}

async function hashStream(stream: Readable): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: hash.digest('hex'), size };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

for (const [name, open] of Object.entries(variants)) {
  describe(`BlobStore contract [${name}]`, () => {
    let variant: Variant;
    let store: BlobStore;
    beforeAll(async () => {
      variant = await open();
      store = variant.store;
    });
    afterAll(async () => {
      await variant?.close();
    });

    it('stores bytes under their sha256 and reads them back', async () => {
      const bytes = Buffer.from(`hello ${name}`);
      const info = await store.put(bytes);
      expect(info).toEqual({ digest: hashBytes(bytes), size: bytes.length });
      expect(await store.has(info.digest)).toBe(true);
      expect(await store.stat(info.digest)).toEqual(info);
      expect(await readAll((await store.get(info.digest))!)).toEqual(bytes);
    });

    it('stores the empty blob', async () => {
      const info = await store.put(Buffer.alloc(0));
      expect(info).toEqual({ digest: hashBytes(Buffer.alloc(0)), size: 0 });
      expect((await readAll((await store.get(info.digest))!)).length).toBe(0);
    });

    it('is idempotent: the same content from a buffer, a stream or an async iterable is one blob', async () => {
      const bytes = randomBytes(1000);
      const fromBuffer = await store.put(bytes);
      const fromStream = await store.put(Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]));
      const fromIterable = await store.put(
        (async function* () {
          yield bytes.subarray(0, 500);
          yield bytes.subarray(500);
        })(),
      );
      expect(fromStream).toEqual(fromBuffer);
      expect(fromIterable).toEqual(fromBuffer);
      expect(await readAll((await store.get(fromBuffer.digest))!)).toEqual(bytes);
    });

    it('answers undefined/false for a blob it does not hold', async () => {
      const missing = hashBytes(Buffer.from(`never stored ${Math.random()}`));
      expect(await store.get(missing)).toBeUndefined();
      expect(await store.has(missing)).toBe(false);
      expect(await store.stat(missing)).toBeUndefined();
      expect(await store.delete(missing)).toBe(false);
    });

    it('refuses anything but a digest as a name', async () => {
      for (const bad of ['../../etc/passwd', 'A'.repeat(64), 'abc', `${'a'.repeat(63)}/`]) {
        await expect(store.get(bad)).rejects.toMatchObject({ code: 'invalid_argument' });
        await expect(store.has(bad)).rejects.toMatchObject({ code: 'invalid_argument' });
        await expect(store.stat(bad)).rejects.toMatchObject({ code: 'invalid_argument' });
        await expect(store.delete(bad)).rejects.toMatchObject({ code: 'invalid_argument' });
      }
    });

    it('deletes a blob', async () => {
      const info = await store.put(Buffer.from(`to delete ${name}`));
      expect(await store.delete(info.digest)).toBe(true);
      expect(await store.has(info.digest)).toBe(false);
      expect(await store.get(info.digest)).toBeUndefined();
      expect(await store.delete(info.digest)).toBe(false);
    });

    it('round-trips a 20 MiB stream', async () => {
      const totalBytes = 20 * mib;
      const expected = await hashStream(Readable.from(generateChunks(totalBytes)));
      const info = await store.put(generateChunks(totalBytes));
      expect(info).toEqual(expected);
      expect(await store.stat(info.digest)).toEqual(expected);
      expect(await hashStream((await store.get(info.digest))!)).toEqual(expected);
    });

    it('takes concurrent puts of the same content', async () => {
      const totalBytes = s3PartSizeBytes + 123_456;
      const puts = await Promise.all([1, 2, 3].map(() => store.put(generateChunks(totalBytes, 100_000, 'concurrent'))));
      expect(new Set(puts.map((p) => p.digest)).size).toBe(1);
      expect(puts[0]!.size).toBe(totalBytes);
      expect(await hashStream((await store.get(puts[0]!.digest))!)).toEqual(puts[0]);
    });

    it('fails the read of a blob whose stored bytes no longer match its digest', async () => {
      const info = await store.put(Buffer.from(`original ${name}`));
      await variant.overwrite(info.digest, Buffer.from(`tampered ${name}`));
      await expect(readAll((await store.get(info.digest))!)).rejects.toThrow(/is corrupted/);
    });

    it('rejects the put of a source that fails, and stores nothing of it', async () => {
      const head = randomBytes(1000);
      const failing = (async function* () {
        yield head;
        throw new Error('source broke');
      })();
      await expect(store.put(failing)).rejects.toThrow('source broke');
      expect(await store.has(hashBytes(head))).toBe(false);
    });
  });
}
