import type { BlobStoreConfig } from '../config/config.js';
import type { BlobStore } from './blob-store.js';
import { createFsBlobStore } from './fs/blob-store.js';
import { createS3BlobStore } from './s3/blob-store.js';

/** The configured blob store (config.blobs). */
export function createBlobStore(config: BlobStoreConfig): BlobStore {
  if (config.kind === 'fs') return createFsBlobStore({ root: config.dir });
  return createS3BlobStore({
    bucket: config.bucket,
    prefix: config.prefix,
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
  });
}
