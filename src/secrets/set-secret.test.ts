import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { Project } from '../store/index.js';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { deleteSecret } from './delete-secret.js';
import { listSecrets } from './list-secrets.js';
import { createSecretCrypto } from './secret-crypto.js';
import { setSecret } from './set-secret.js';

const crypto = createSecretCrypto({ key: randomBytes(32) });

describeEachStore('setSecret, listSecrets, deleteSecret', (h) => {
  let project: Project;
  beforeAll(async () => {
    project = await createTestProject(h.db, 'secrets');
  });

  it('stores a value that appears nowhere in listed rows or in the table', async () => {
    const value = `s3cr3t-${randomBytes(8).toString('hex')}`;
    const set = await setSecret(h.db, crypto, { projectId: project.id, environment: 'prod', name: 'API_TOKEN', value });
    expect(set).toEqual({
      projectId: project.id,
      environment: 'prod',
      name: 'API_TOKEN',
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    const listed = await listSecrets(h.db, { projectId: project.id });
    expect(listed).toContainEqual(set);
    const spellings = [value, Buffer.from(value).toString('hex'), Buffer.from(value).toString('base64')];
    for (const spelling of spellings) expect(JSON.stringify(listed)).not.toContain(spelling);

    const raw = await h.db.query<{ row: string; ciphertext: Uint8Array }>(
      'SELECT s::text AS row, ciphertext FROM secrets s WHERE project_id = $1',
      [project.id],
    );
    expect(raw.rows).toHaveLength(1);
    for (const spelling of spellings) expect(raw.rows[0]!.row).not.toContain(spelling);
    expect(Buffer.from(raw.rows[0]!.ciphertext).includes(Buffer.from(value))).toBe(false);
  });

  it('replaces the value of the same name and scope, keeping scopes apart', async () => {
    const own = await createTestProject(h.db, 'upsert');
    const first = await setSecret(h.db, crypto, { projectId: own.id, name: 'TOKEN', value: 'one' });
    await setSecret(h.db, crypto, { projectId: own.id, environment: 'staging', name: 'TOKEN', value: 'staging' });
    const second = await setSecret(h.db, crypto, { projectId: own.id, environment: null, name: 'TOKEN', value: 'two' });
    expect(second.createdAt).toEqual(first.createdAt);
    expect(second.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());
    const listed = await listSecrets(h.db, { projectId: own.id });
    expect(listed.map((s) => [s.environment, s.name])).toEqual([
      [null, 'TOKEN'],
      ['staging', 'TOKEN'],
    ]);
    expect((await listSecrets(h.db, { projectId: own.id, environment: 'staging' })).map((s) => s.name)).toEqual(['TOKEN']);
    expect(await listSecrets(h.db, { projectId: own.id, environment: 'prod' })).toEqual([]);
  });

  it('deletes one scope only, reporting whether anything was there', async () => {
    const own = await createTestProject(h.db, 'delete');
    await setSecret(h.db, crypto, { projectId: own.id, name: 'TOKEN', value: 'wide' });
    await setSecret(h.db, crypto, { projectId: own.id, environment: 'prod', name: 'TOKEN', value: 'prod' });
    expect(await deleteSecret(h.db, { projectId: own.id, environment: 'prod', name: 'TOKEN' })).toBe(true);
    expect(await deleteSecret(h.db, { projectId: own.id, environment: 'prod', name: 'TOKEN' })).toBe(false);
    expect((await listSecrets(h.db, { projectId: own.id })).map((s) => [s.environment, s.name])).toEqual([[null, 'TOKEN']]);
    expect(await deleteSecret(h.db, { projectId: own.id, name: 'TOKEN' })).toBe(true);
    expect(await listSecrets(h.db, { projectId: own.id })).toEqual([]);
  });

  it('refuses bad names, empty environments, empty and oversized values, and unknown projects', async () => {
    const projectId = project.id;
    for (const name of ['api_token', '1TOKEN', 'MY-TOKEN', '', 'TOKEN ']) {
      await expect(setSecret(h.db, crypto, { projectId, name, value: 'x' })).rejects.toThrow(
        expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(/upper-case letters, digits and _/) }),
      );
    }
    await expect(setSecret(h.db, crypto, { projectId, environment: '', name: 'A', value: 'x' })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(setSecret(h.db, crypto, { projectId, name: 'A', value: '' })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await setSecret(h.db, crypto, { projectId, name: 'FULL', value: 'é'.repeat(32 * 1024) });
    await expect(setSecret(h.db, crypto, { projectId, name: 'OVER', value: `${'é'.repeat(32 * 1024)}x` })).rejects.toThrow(
      /65537 bytes, over the limit of 65536/,
    );
    await expect(setSecret(h.db, crypto, { projectId: 2 ** 40, name: 'A', value: 'x' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
