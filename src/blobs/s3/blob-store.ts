import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { BlobInfo, BlobSource, BlobStore } from '../blob-store.js';
import { checkDigest, createDigestVerifier, formatBlobPath } from '../digest.js';
import { toReadable } from '../to-readable.js';

export interface S3BlobStoreOptions {
  bucket: string;
  /** Prepended to every key, e.g. `slipway/`; default none. */
  prefix?: string;
  /** A client to use as is; otherwise one is made from endpoint/region/forcePathStyle and the SDK's default credential chain. */
  client?: S3Client;
  /** e.g. http://127.0.0.1:9000 for MinIO; default AWS. */
  endpoint?: string;
  /** Default: the SDK's own resolution (AWS_REGION, profile). */
  region?: string;
  /** Bucket in the path rather than the host name; most S3-compatible servers need it. Default false. */
  forcePathStyle?: boolean;
  /**
   * Bytes held in memory per multipart part, and the size under which a blob is sent in one PUT.
   * S3 requires parts of at least 5 MiB. Default 8 MiB.
   */
  partSizeBytes?: number;
  /** Giving up on a TCP connection that is not established by then (ms). Default 5000. */
  connectTimeoutMs?: number;
  /**
   * Giving up on a request whose socket carried no byte for this long (ms): an endpoint that accepts and
   * never answers would otherwise hold an upload, and the job behind it, forever (the SDK's default is
   * no timeout). Idle, not total, so a large blob streaming steadily is never cut. Default 60_000. The
   * SDK retries a timed-out request (3 attempts in all, with backoff) before the call fails.
   */
  idleTimeoutMs?: number;
}

const minPartSizeBytes = 5 * 1024 * 1024;
/** The largest object CopyObject accepts; bigger blobs would need UploadPartCopy. */
const maxCopyBytes = 5 * 1024 ** 3;

/**
 * Blobs as S3 objects under `<prefix>sha256/ab/cd/<digest>`. The digest is only known at the end of a
 * stream, so a blob larger than one part is uploaded as a multipart upload to a temporary key, then
 * copied to its digest key and the temporary object deleted. The digest is computed here from the very
 * bytes sent, never taken from the caller.
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const { bucket } = options;
  const prefix = options.prefix ?? '';
  const partSizeBytes = options.partSizeBytes ?? 8 * 1024 * 1024;
  if (partSizeBytes < minPartSizeBytes) {
    throw new AppError(ErrorCode.invalidArgument, `S3 part size ${partSizeBytes} bytes is below the S3 minimum of 5 MiB`);
  }
  const client = options.client ?? new S3Client(clientConfig(options));
  const keyOf = (digest: string) => prefix + formatBlobPath(digest);
  const where = (key: string) => `s3://${bucket}/${key}`;

  const head = async (digest: string): Promise<BlobInfo | undefined> => {
    const key = keyOf(digest);
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { digest, size: out.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw unavailable(`HEAD ${where(key)}`, err);
    }
  };

  const putSmall = async (body: Buffer, info: BlobInfo): Promise<void> => {
    if (await head(info.digest)) return;
    const key = keyOf(info.digest);
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length }));
    } catch (err) {
      throw unavailable(`PUT ${where(key)}`, err);
    }
  };

  return {
    async put(source: BlobSource): Promise<BlobInfo> {
      const hash = createHash('sha256');
      let size = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let upload: MultipartUpload | undefined;
      try {
        for await (const chunk of toReadable(source) as AsyncIterable<Buffer>) {
          hash.update(chunk);
          size += chunk.length;
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= partSizeBytes) {
            upload ??= await startMultipartUpload(client, bucket, `${prefix}uploads/${randomUUID()}`);
            await upload.sendPart(Buffer.concat(pending, pendingBytes));
            pending = [];
            pendingBytes = 0;
          }
        }
        const info = { digest: hash.digest('hex'), size };
        const rest = Buffer.concat(pending, pendingBytes);
        if (!upload) {
          await putSmall(rest, info);
          return info;
        }
        if (rest.length > 0) await upload.sendPart(rest);
        await upload.complete();
        try {
          if (!(await head(info.digest))) {
            if (size > maxCopyBytes) {
              throw new AppError(ErrorCode.invalidArgument, `blob of ${size} bytes exceeds the S3 store's limit of 5 GiB`);
            }
            const key = keyOf(info.digest);
            await client
              .send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: encodeCopySource(bucket, upload.key) }))
              .catch((err) => {
                throw unavailable(`COPY to ${where(key)}`, err);
              });
          }
        } finally {
          await upload.deleteObject();
        }
        return info;
      } catch (err) {
        await upload?.abort();
        throw err;
      }
    },

    async get(digest: string): Promise<Readable | undefined> {
      checkDigest(digest);
      const key = keyOf(digest);
      let body: Readable;
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        body = out.Body as Readable;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw unavailable(`GET ${where(key)}`, err);
      }
      const verifier = createDigestVerifier(digest);
      body.on('error', (err) => verifier.destroy(unavailable(`GET ${where(key)}`, err)));
      verifier.on('close', () => body.destroy());
      return body.pipe(verifier);
    },

    async has(digest: string): Promise<boolean> {
      checkDigest(digest);
      return (await head(digest)) !== undefined;
    },

    async stat(digest: string): Promise<BlobInfo | undefined> {
      checkDigest(digest);
      return head(digest);
    },

    async delete(digest: string): Promise<boolean> {
      checkDigest(digest);
      // S3 deletes a missing key without complaint: HEAD first to answer whether it existed.
      if (!(await head(digest))) return false;
      const key = keyOf(digest);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch((err) => {
        throw unavailable(`DELETE ${where(key)}`, err);
      });
      return true;
    },
  };
}

function clientConfig(options: S3BlobStoreOptions): S3ClientConfig {
  return {
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    // The SDK's default CRC32 checksums are not understood by many S3-compatible servers; integrity
    // is checked end to end by the sha256 digest instead.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: options.connectTimeoutMs ?? 5000, socketTimeout: options.idleTimeoutMs ?? 60_000 },
  };
}

interface MultipartUpload {
  key: string;
  sendPart(body: Buffer): Promise<void>;
  complete(): Promise<void>;
  /** Aborts an unfinished upload, or deletes the completed temporary object; never throws. */
  abort(): Promise<void>;
  deleteObject(): Promise<void>;
}

async function startMultipartUpload(client: S3Client, bucket: string, key: string): Promise<MultipartUpload> {
  const where = `s3://${bucket}/${key}`;
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })).catch((err) => {
    throw unavailable(`multipart upload to ${where}`, err);
  });
  const uploadId = created.UploadId!;
  const parts: { PartNumber: number; ETag: string }[] = [];
  let completed = false;
  const deleteObject = async () => {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => {});
  };
  return {
    key,
    async sendPart(body) {
      const PartNumber = parts.length + 1;
      const out = await client
        .send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: body, ContentLength: body.length }))
        .catch((err) => {
          throw unavailable(`part ${PartNumber} of ${where}`, err);
        });
      parts.push({ PartNumber, ETag: out.ETag! });
    },
    async complete() {
      await client
        .send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }))
        .catch((err) => {
          throw unavailable(`completing ${where}`, err);
        });
      completed = true;
    },
    async abort() {
      if (completed) return deleteObject();
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => {});
    },
    deleteObject,
  };
}

function encodeCopySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

function unavailable(what: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new AppError(
    ErrorCode.unavailable,
    `S3 ${what} failed: ${message} — check the SLIPWAY_S3_* settings, the bucket, and the credentials`,
    { cause: err },
  );
}
