import type { OutboundGuard } from '../outbound/guard-outbound.js';
import type { BlobStore } from './blob-store.js';

/**
 * A remote blob store (S3) behind a circuit breaker: once its calls keep failing as unavailable (the
 * SDK has already retried each with backoff), jobs uploading or downloading artifacts fail at once,
 * saying so, instead of each waiting for the timeouts. A put's source is consumed only when the
 * breaker lets the call through.
 */
export function guardBlobStore(store: BlobStore, guard: OutboundGuard, endpoint: string): BlobStore {
  return {
    put: (source) => guard.call(endpoint, () => store.put(source)),
    get: (digest) => guard.call(endpoint, () => store.get(digest)),
    has: (digest) => guard.call(endpoint, () => store.has(digest)),
    stat: (digest) => guard.call(endpoint, () => store.stat(digest)),
    delete: (digest) => guard.call(endpoint, () => store.delete(digest)),
  };
}
