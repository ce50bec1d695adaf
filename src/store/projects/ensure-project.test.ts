import { expect, it } from 'vitest';
import { describeEachStore } from '../../test-support/test-store.js';
import { ensureProject } from './ensure-project.js';

describeEachStore('ensureProject', (h) => {
  it('creates a missing project with defaults', async () => {
    const project = await ensureProject(h.db, { name: 'acme/web', repoUrl: 'https://git.example/acme/web.git' });
    expect(project).toEqual({
      id: expect.any(Number),
      name: 'acme/web',
      repoUrl: 'https://git.example/acme/web.git',
      defaultBranch: 'main',
      createdAt: expect.any(Date),
    });
  });

  it('returns an existing project unchanged', async () => {
    const created = await ensureProject(h.db, { name: 'acme/api', defaultBranch: 'trunk' });
    const again = await ensureProject(h.db, { name: 'acme/api', repoUrl: 'https://elsewhere', defaultBranch: 'dev' });
    expect(again).toEqual(created);
  });

  it('gives concurrent callers the same single project', async () => {
    const projects = await Promise.all(Array.from({ length: 8 }, () => ensureProject(h.db, { name: 'acme/race' })));
    expect(new Set(projects.map((p) => p.id)).size).toBe(1);
    expect((await h.db.query("SELECT 1 FROM projects WHERE name = 'acme/race'")).rowCount).toBe(1);
  });

  it('refuses an empty name', async () => {
    await expect(ensureProject(h.db, { name: '  ' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
