import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../../clock/clock.js';
import { createTestProject } from '../../test-support/store-fixtures.js';
import { describeEachStore } from '../../test-support/test-store.js';
import type { BlobStore } from '../blob-store.js';
import { createFsBlobStore } from '../fs/blob-store.js';
import { restoreCache } from './restore-cache.js';
import { saveCache } from './save-cache.js';

describeEachStore('caches', (h) => {
  let dir: string;
  let store: BlobStore;
  let workspace: string;
  const clock = createManualClock(Date.parse('2030-01-01T00:00:00Z'));
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-caches-'));
    store = createFsBlobStore({ root: join(dir, 'blobs') });
    workspace = join(dir, 'ws');
    await mkdir(join(workspace, 'node_modules/left-pad'), { recursive: true });
    await writeFile(join(workspace, 'node_modules/left-pad/index.js'), 'v1');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  let dests = 0;
  const newDest = () => join(dir, `dest-${++dests}`);
  const newProject = async () => (await createTestProject(h.db)).id;
  const save = (projectId: number, branch: string, key: string) => {
    clock.advance(1000);
    return saveCache({ db: h.db, store, projectId, branch, key, paths: ['node_modules'], workspaceDir: workspace, clock });
  };
  const restore = (projectId: number, branch: string, key: string, restoreKeys: string[] = [], destDir = newDest()) =>
    restoreCache({ db: h.db, store, projectId, branch, defaultBranch: 'main', key, restoreKeys, destDir, clock });

  it('restores an exact key on the same branch', async () => {
    const projectId = await newProject();
    const saved = await save(projectId, 'main', 'npm-abc');
    expect(saved).toMatchObject({ saved: true, entry: { projectId, scope: 'main', key: 'npm-abc' } });
    const dest = newDest();
    const result = await restore(projectId, 'main', 'npm-abc', ['npm-'], dest);
    expect(result).toMatchObject({ hit: 'exact', key: 'npm-abc', scope: 'main' });
    expect(result.explanation).toEqual(["restored 'npm-abc' from branch main (exact key)"]);
    expect(await readFile(join(dest, 'node_modules/left-pad/index.js'), 'utf8')).toBe('v1');
    const { rows } = await h.db.query<{ lastUsedAt: Date }>('SELECT last_used_at AS "lastUsedAt" FROM caches WHERE project_id = $1', [projectId]);
    expect(rows[0]!.lastUsedAt).toEqual(new Date(clock.now()));
  });

  it('never overwrites an existing key on a scope', async () => {
    const projectId = await newProject();
    const first = await save(projectId, 'main', 'npm-abc');
    if (!first.saved) throw new Error(first.reason);
    await writeFile(join(workspace, 'node_modules/left-pad/index.js'), 'v2');
    try {
      const second = await save(projectId, 'main', 'npm-abc');
      expect(second).toEqual({ saved: false, reason: expect.stringMatching(/cache 'npm-abc' on branch main already exists/) });
      const dest = newDest();
      await restore(projectId, 'main', 'npm-abc', [], dest);
      expect(await readFile(join(dest, 'node_modules/left-pad/index.js'), 'utf8')).toBe('v1');
      const { rows } = await h.db.query('SELECT digest FROM caches WHERE project_id = $1', [projectId]);
      expect(rows).toEqual([{ digest: first.entry.digest }]);
    } finally {
      await writeFile(join(workspace, 'node_modules/left-pad/index.js'), 'v1');
    }
  });

  it('falls back to the newest entry matching a restore key, and explains each miss', async () => {
    const projectId = await newProject();
    await save(projectId, 'main', 'npm-old');
    await save(projectId, 'main', 'npm-new');
    await save(projectId, 'main', 'npm_x');
    const result = await restore(projectId, 'main', 'npm-zzz', ['yarn-', 'npm-']);
    expect(result).toMatchObject({ hit: 'prefix', key: 'npm-new', scope: 'main' });
    expect(result.explanation).toEqual([
      "no cache 'npm-zzz' on branch main",
      "no key with prefix 'npm-zzz' on branch main",
      "no key with prefix 'yarn-' on branch main",
      "restored 'npm-new' from branch main (prefix 'npm-')",
    ]);
    // '_' is a LIKE wildcard: it must match itself only.
    expect((await restore(projectId, 'main', 'none', ['npm_'])).key).toBe('npm_x');
  });

  it("searches the run's branch first, then the default branch, never another branch", async () => {
    const projectId = await newProject();
    await save(projectId, 'main', 'npm-abc');
    await save(projectId, 'feature/y', 'npm-abc');
    const fromDefault = await restore(projectId, 'feature/x', 'npm-abc', ['npm-']);
    expect(fromDefault).toMatchObject({ hit: 'exact', key: 'npm-abc', scope: 'main' });
    expect(fromDefault.explanation).toEqual([
      "no cache 'npm-abc' on branch feature/x",
      "no key with prefix 'npm-abc' on branch feature/x",
      "no key with prefix 'npm-' on branch feature/x",
      "restored 'npm-abc' from default branch main (exact key)",
    ]);
    await save(projectId, 'feature/x', 'npm-old');
    expect(await restore(projectId, 'feature/x', 'npm-abc', ['npm-'])).toMatchObject({ hit: 'prefix', key: 'npm-old', scope: 'feature/x' });

    const miss = await restore(projectId, 'feature/z', 'pip-abc', ['pip-']);
    expect(miss).toEqual({
      hit: null,
      explanation: [
        "no cache 'pip-abc' on branch feature/z",
        "no key with prefix 'pip-abc' on branch feature/z",
        "no key with prefix 'pip-' on branch feature/z",
        "no cache 'pip-abc' on default branch main",
        "no key with prefix 'pip-abc' on default branch main",
        "no key with prefix 'pip-' on default branch main",
      ],
    });
  });

  it('drops an entry whose blob is gone, so the key can be saved again', async () => {
    const projectId = await newProject();
    await mkdir(join(workspace, 'solo'), { recursive: true });
    await writeFile(join(workspace, 'solo/only.txt'), `unique ${projectId} ${h.kind}`);
    const saved = await saveCache({ db: h.db, store, projectId, branch: 'main', key: 'solo', paths: ['solo'], workspaceDir: workspace, clock });
    if (!saved.saved) throw new Error(saved.reason);
    expect(await store.delete(saved.entry.digest)).toBe(true);
    const dest = newDest();
    const result = await restore(projectId, 'main', 'solo', [], dest);
    expect(result.hit).toBeNull();
    expect(result.explanation[0]).toMatch(/cache 'solo' found 'solo' on branch main, but its blob .* is gone; the entry was dropped/);
    await expect(readdir(dest)).rejects.toThrow(/ENOENT/);
    expect((await saveCache({ db: h.db, store, projectId, branch: 'main', key: 'solo', paths: ['solo'], workspaceDir: workspace, clock })).saved).toBe(true);
  });

  it('does not save when no file matches', async () => {
    const projectId = await newProject();
    const result = await saveCache({ db: h.db, store, projectId, branch: 'main', key: 'k', paths: ['missing'], workspaceDir: workspace, clock });
    expect(result).toEqual({ saved: false, reason: expect.stringMatching(/no files in the workspace match 'missing'/) });
  });
});
