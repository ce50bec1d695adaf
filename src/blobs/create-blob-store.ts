import type { BlobStoreConfig } from '../config/config.js';
import type { BlobStore } from './blob-store.js';
import { createFsBlobStore } from './fs/blob-store.js';
import { createS3BlobStore } from './s3/blob-store.js';
import { guardBlobStore } from './guard-blob-store.js';
import { systemClock } from '../clock/clock.js';
import { createOutboundGuard } from '../outbound/guard-outbound.js';

/** The configured blob store (config.blobs); S3 behind a circuit breaker (guardBlobStore). */
export function createBlobStore(config: BlobStoreConfig): BlobStore {
  if (config.kind === 'fs') return createFsBlobStore({ root: config.dir });
  const store = createS3BlobStore({
    bucket: config.bucket,
    prefix: config.prefix,
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
  });
  const endpoint = `${config.endpoint ?? `s3.${config.region ?? 'default region'}`}/${config.bucket}`;
  return guardBlobStore(store, createOutboundGuard('the S3 blob store', systemClock), endpoint);
}
