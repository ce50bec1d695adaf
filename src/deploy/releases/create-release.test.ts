import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BlobStore, createFsBlobStore } from '../../blobs/index.js';
import { systemClock } from '../../clock/clock.js';
import { ensureProject } from '../../store/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { parseServiceSpec } from '../targets/service-spec.js';
import { createRelease } from './create-release.js';
import { materializeRelease } from './materialize-release.js';

describePglite('releases', (harness) => {
  let tmp: string;
  let src: string;
  let blobs: BlobStore;
  let projectId: number;
  const spec = (start = 'node app.js') => parseServiceSpec({ name: 'web', start });

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'slipway-releases-'));
    blobs = createFsBlobStore({ root: join(tmp, 'blobs') });
    src = join(tmp, 'src');
    await mkdir(src);
    await writeFile(join(src, 'app.js'), 'console.log(1)\n');
    projectId = (await ensureProject(harness.db, { name: 'acme/releases' })).id;
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('is immutable: the same version again is the same release; other files or config are refused', async () => {
    const input = { projectId, service: spec(), version: '1.0.0', source: { dir: src }, actor: 'alice' };
    const first = await createRelease(harness.db, blobs, systemClock, input);
    expect(first.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await createRelease(harness.db, blobs, systemClock, input)).toEqual(first);
    await expect(createRelease(harness.db, blobs, systemClock, { ...input, service: spec('node other.js') })).rejects.toMatchObject({
      code: 'already_exists',
      message: expect.stringContaining('release 1.0.0 of web already exists with different service config'),
    });
    await expect(createRelease(harness.db, blobs, systemClock, { ...input, version: 'bad/version' })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(createRelease(harness.db, blobs, systemClock, { ...input, version: '1.0.1', source: { runId: 12345, artifact: 'dist' } })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('materializes once, read-only, and checks the digest on every later call', async () => {
    const release = await createRelease(harness.db, blobs, systemClock, { projectId, service: spec(), version: '2.0.0', source: { dir: src }, actor: 'alice' });
    const [a, b] = await Promise.all([materializeRelease(blobs, join(tmp, 'data'), release), materializeRelease(blobs, join(tmp, 'data'), release)]);
    expect(a).toBe(join(tmp, 'data', 'releases', 'web', '2.0.0'));
    expect(b).toBe(a);
    expect(await readFile(join(a, 'app.js'), 'utf8')).toBe('console.log(1)\n');
    await expect(materializeRelease(blobs, join(tmp, 'data'), { ...release, digest: 'f'.repeat(64) })).rejects.toMatchObject({ code: 'internal' });
  });
});
