import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { createBlobStore } from './create-blob-store.js';
import { hashBytes } from './digest.js';

describe('blob store configuration', () => {
  it('defaults to the filesystem under the data dir', () => {
    expect(loadConfig({}, {}, '/srv').blobs).toEqual({ kind: 'fs', dir: '/srv/.slipway/blobs' });
    expect(loadConfig({ SLIPWAY_BLOB_DIR: 'b' }, {}, '/srv').blobs).toEqual({ kind: 'fs', dir: '/srv/b' });
  });

  it('reads the S3 options, and needs a bucket', () => {
    const env = {
      SLIPWAY_BLOB_STORE: 's3',
      SLIPWAY_S3_BUCKET: 'ci',
      SLIPWAY_S3_ENDPOINT: 'http://127.0.0.1:9000',
      SLIPWAY_S3_REGION: 'eu-west-1',
      SLIPWAY_S3_PREFIX: 'slipway/',
      SLIPWAY_S3_FORCE_PATH_STYLE: 'true',
    };
    expect(loadConfig(env).blobs).toEqual({
      kind: 's3',
      bucket: 'ci',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      prefix: 'slipway/',
      forcePathStyle: true,
    });
    expect(loadConfig({ SLIPWAY_BLOB_STORE: 's3', SLIPWAY_S3_BUCKET: 'ci' }).blobs).toEqual({
      kind: 's3',
      bucket: 'ci',
      prefix: '',
      forcePathStyle: false,
    });
    expect(() => loadConfig({ SLIPWAY_BLOB_STORE: 's3' })).toThrow(/needs SLIPWAY_S3_BUCKET/);
    expect(() => loadConfig({ SLIPWAY_BLOB_STORE: 'gcs' })).toThrow(/SLIPWAY_BLOB_STORE/);
  });
});

describe('fs blob store layout', () => {
  it('keeps blobs at sha256/ab/cd/<digest> and leaves no temp files, even after a failed put', async () => {
    const root = await mkdtemp(join(tmpdir(), 'slipway-fs-blobs-'));
    try {
      const store = createBlobStore({ kind: 'fs', dir: root });
      const bytes = Buffer.from('layout');
      const digest = hashBytes(bytes);
      await store.put(bytes);
      expect(await readdir(join(root, 'sha256', digest.slice(0, 2), digest.slice(2, 4)))).toEqual([digest]);
      const failing = (async function* () {
        yield Buffer.from('partial');
        throw new Error('broken source');
      })();
      await expect(store.put(failing)).rejects.toThrow('broken source');
      expect(await readdir(join(root, 'tmp'))).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
