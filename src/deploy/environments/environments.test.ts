import { beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../../clock/clock.js';
import type { Project } from '../../store/index.js';
import { createTestProject } from '../../test-support/store-fixtures.js';
import { describeEachStore } from '../../test-support/test-store.js';
import { deleteEnvironment } from './delete-environment.js';
import { checkMaintainer } from './environment.js';
import { getEnvironment, listEnvironments } from './get-environment.js';
import { putEnvironment } from './put-environment.js';

const clock = createManualClock(Date.parse('2026-11-18T10:00:00Z'));

describeEachStore('putEnvironment, getEnvironment, listEnvironments, deleteEnvironment', (h) => {
  let project: Project;
  beforeAll(async () => {
    project = await createTestProject(h.db, 'environments');
  });

  it('creates an environment with validated, defaulted rules and records who did it', async () => {
    const { environment, created } = await putEnvironment(h.db, clock, {
      projectId: project.id,
      name: 'production',
      rules: { requiredApprovals: { count: 2 }, branches: ['main'] },
      actor: 'mia',
    });
    expect(created).toBe(true);
    expect(environment).toEqual({
      id: expect.any(Number),
      projectId: project.id,
      name: 'production',
      rules: { requiredApprovals: { count: 2, roles: ['maintainer'] }, branches: ['main'], waitTimerSeconds: 0, freezeWindows: [] },
      version: 1,
      createdBy: 'mia',
      updatedBy: 'mia',
      createdAt: new Date(clock.now()),
      updatedAt: new Date(clock.now()),
    });
    expect(await getEnvironment(h.db, project.id, 'production')).toEqual(environment);
  });

  it('replaces rules, bumping the version, and refuses an update based on a stale version', async () => {
    const own = await createTestProject(h.db, 'env-update');
    await putEnvironment(h.db, clock, { projectId: own.id, name: 'staging', rules: {}, actor: 'mia' });
    clock.advance(1000);
    const second = await putEnvironment(h.db, clock, { projectId: own.id, name: 'staging', rules: { waitTimerSeconds: 60 }, actor: 'max' });
    expect(second).toMatchObject({ created: false, environment: { version: 2, createdBy: 'mia', updatedBy: 'max' } });
    expect(second.environment.updatedAt.getTime()).toBe(second.environment.createdAt.getTime() + 1000);

    const third = await putEnvironment(h.db, clock, { projectId: own.id, name: 'staging', rules: {}, actor: 'mia', expectedVersion: 2 });
    expect(third.environment.version).toBe(3);
    await expect(putEnvironment(h.db, clock, { projectId: own.id, name: 'staging', rules: {}, actor: 'max', expectedVersion: 2 })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/at version 3, not 2: someone changed it meanwhile/),
    });
    await expect(putEnvironment(h.db, clock, { projectId: own.id, name: 'nope', rules: {}, actor: 'max', expectedVersion: 1 })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('gives concurrent updates with the same version exactly one winner', async () => {
    const own = await createTestProject(h.db, 'env-race');
    await putEnvironment(h.db, clock, { projectId: own.id, name: 'prod', rules: {}, actor: 'mia' });
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) => putEnvironment(h.db, clock, { projectId: own.id, name: 'prod', rules: { waitTimerSeconds: i }, actor: `m${i}`, expectedVersion: 1 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await getEnvironment(h.db, own.id, 'prod'))?.version).toBe(2);
  });

  it('lists by name and deletes, reporting whether anything was there', async () => {
    const own = await createTestProject(h.db, 'env-list');
    for (const name of ['staging', 'dev', 'production']) await putEnvironment(h.db, clock, { projectId: own.id, name, rules: {}, actor: 'mia' });
    expect((await listEnvironments(h.db, own.id)).map((e) => e.name)).toEqual(['dev', 'production', 'staging']);
    expect(await deleteEnvironment(h.db, own.id, 'dev')).toBe(true);
    expect(await deleteEnvironment(h.db, own.id, 'dev')).toBe(false);
    expect(await getEnvironment(h.db, own.id, 'dev')).toBeUndefined();
    expect((await listEnvironments(h.db, own.id)).map((e) => e.name)).toEqual(['production', 'staging']);
  });

  it('refuses bad names, bad rules, a missing actor, unknown projects and non-maintainers', async () => {
    const put = (name: string, rules: unknown, actor = 'mia', projectId = project.id) => putEnvironment(h.db, clock, { projectId, name, rules, actor });
    for (const name of ['', '-prod', 'prod env', 'x'.repeat(64)]) {
      await expect(put(name, {})).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/environment name/) });
    }
    await expect(put('prod', { waitTimerSeconds: -1 })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/protection rules of environment prod: waitTimerSeconds/),
    });
    await expect(put('prod', {}, ' ')).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(put('prod', {}, 'mia', 987_654_321)).rejects.toMatchObject({ code: 'not_found' });
    expect(() => checkMaintainer('dan', 'developer')).toThrow(expect.objectContaining({ code: 'permission_denied', message: expect.stringMatching(/only maintainer or admin/) }));
    expect(() => checkMaintainer('ada', 'admin')).not.toThrow();
  });
});
