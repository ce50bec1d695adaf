import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../../clock/clock.js';
import { createTestProject, createTestRun } from '../../test-support/store-fixtures.js';
import { describeEachStore } from '../../test-support/test-store.js';
import type { BlobStore } from '../blob-store.js';
import { createFsBlobStore } from '../fs/blob-store.js';
import { writeTar } from '../tar/write-tar.js';
import { downloadArtifacts } from './download-artifacts.js';
import { uploadArtifacts } from './upload-artifacts.js';

describeEachStore('artifacts', (h) => {
  let dir: string;
  let store: BlobStore;
  let workspace: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-artifacts-'));
    store = createFsBlobStore({ root: join(dir, 'blobs') });
    workspace = join(dir, 'ws');
    await mkdir(join(workspace, 'dist/sub'), { recursive: true });
    await writeFile(join(workspace, 'dist/app.js'), 'console.log(1)');
    await writeFile(join(workspace, 'dist/sub/cli.sh'), '#!/bin/sh', { mode: 0o755 });
    await writeFile(join(workspace, 'coverage.txt'), '99%');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const newRun = async () => createTestRun(h.db, (await createTestProject(h.db)).id);
  let downloads = 0;
  const newDest = () => join(dir, `dest-${++downloads}`);

  it('uploads the selected files as one blob and downloads them into <dest>/<name> for a needing job', async () => {
    const run = await newRun();
    const clock = createManualClock(Date.parse('2030-01-01T00:00:00Z'));
    const artifact = await uploadArtifacts({
      store,
      db: h.db,
      runId: run.id,
      jobKey: 'build',
      name: 'dist',
      workspaceDir: workspace,
      paths: ['dist'],
      expireInMs: 86_400_000,
      clock,
    });
    expect(artifact).toMatchObject({ runId: run.id, jobKey: 'build', name: 'dist', fileCount: 2 });
    expect(artifact.expiresAt).toEqual(new Date('2030-01-02T00:00:00Z'));
    expect(await store.stat(artifact.digest)).toEqual({ digest: artifact.digest, size: artifact.size });

    const dest = newDest();
    const downloaded = await downloadArtifacts({ store, db: h.db, runId: run.id, fromJobKeys: ['build'], destDir: dest, clock });
    expect(downloaded.map((d) => [d.artifact.id, d.dir, d.files])).toEqual([[artifact.id, join(dest, 'dist'), 2]]);
    expect(await readFile(join(dest, 'dist/dist/app.js'), 'utf8')).toBe('console.log(1)');
    expect((await stat(join(dest, 'dist/dist/sub/cli.sh'))).mode & 0o777).toBe(0o755);
  });

  it('downloads only the named jobs, unexpired, and replaces a job’s re-upload', async () => {
    const run = await newRun();
    const clock = createManualClock(1_000_000);
    const upload = (jobKey: string, name: string, paths: string[], expireInMs?: number) =>
      uploadArtifacts({ store, db: h.db, runId: run.id, jobKey, name, workspaceDir: workspace, paths, expireInMs, clock });
    await upload('build', 'report', ['dist/app.js']);
    const replaced = await upload('build', 'report', ['coverage.txt']);
    await upload('lint', 'short-lived', ['coverage.txt'], 1000);
    await upload('test[node=20]', 'not-needed', ['coverage.txt']);
    clock.advance(1000);

    const dest = newDest();
    const downloaded = await downloadArtifacts({ store, db: h.db, runId: run.id, fromJobKeys: ['build', 'lint'], destDir: dest, clock });
    expect(downloaded.map((d) => d.artifact)).toEqual([replaced]);
    expect(await readdir(dest)).toEqual(['report']);
    expect(await readdir(join(dest, 'report'))).toEqual(['coverage.txt']);
  });

  it('refuses two needed jobs uploading the same name', async () => {
    const run = await newRun();
    for (const jobKey of ['test[node=20]', 'lint']) {
      await uploadArtifacts({ store, db: h.db, runId: run.id, jobKey, name: 'out', workspaceDir: workspace, paths: ['coverage.txt'] });
    }
    await expect(
      downloadArtifacts({ store, db: h.db, runId: run.id, fromJobKeys: ['lint', 'test[node=20]'], destDir: newDest() }),
    ).rejects.toThrow(/jobs "lint" and "test\[node=20\]" both uploaded an artifact named "out"/);
  });

  it('refuses bad names, empty selections and unknown jobs without recording anything', async () => {
    const run = await newRun();
    const upload = (name: string, paths: string[], jobKey = 'build') =>
      uploadArtifacts({ store, db: h.db, runId: run.id, jobKey, name, workspaceDir: workspace, paths });
    await expect(upload('../evil', ['dist'])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(upload('a/b', ['dist'])).rejects.toThrow(/artifact name "a\/b" is not allowed/);
    await expect(upload('ok', ['../etc/passwd'])).rejects.toThrow(/must stay inside the workspace/);
    await expect(upload('ok', ['nothing/**'])).rejects.toMatchObject({ code: 'failed_precondition' });
    await expect(upload('ok', ['dist'], 'no-such-job')).rejects.toMatchObject({ code: 'not_found' });
    const { rows } = await h.db.query('SELECT 1 FROM artifacts WHERE run_id = $1', [run.id]);
    expect(rows).toEqual([]);
  });

  it('refuses to extract an archive whose paths escape the destination', async () => {
    const run = await newRun();
    const crafted = await store.put(
      writeTar([{ type: 'file', path: '../../escaped.txt', mode: 0o644, size: 5, body: () => Buffer.from('pwned') }]),
    );
    await h.db.query(
      `INSERT INTO artifacts (run_id, job_key, name, digest, size, file_count) VALUES ($1, 'build', 'evil', $2, $3, 1)`,
      [run.id, crafted.digest, crafted.size],
    );
    const dest = newDest();
    await expect(
      downloadArtifacts({ store, db: h.db, runId: run.id, fromJobKeys: ['build'], destDir: dest }),
    ).rejects.toThrow(/archive entry "..\/..\/escaped.txt" is not allowed: it contains a '..' segment/);
    await expect(stat(join(dest, '..', 'escaped.txt'))).rejects.toThrow(/ENOENT/);
  });
});
