import { Readable } from 'node:stream';
import type { BlobSource } from './blob-store.js';

export function toReadable(source: BlobSource): Readable {
  if (source instanceof Readable) return source;
  // In an array: Readable.from would iterate a bare Uint8Array byte by byte.
  if (source instanceof Uint8Array) return Readable.from([source], { objectMode: false });
  return Readable.from(source, { objectMode: false });
}
