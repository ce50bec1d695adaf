import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { resolveSecretsForJob } from './resolve-secrets-for-job.js';
import { createSecretCrypto } from './secret-crypto.js';
import { setSecret } from './set-secret.js';

const crypto = createSecretCrypto({ key: randomBytes(32) });

describeEachStore('resolveSecretsForJob', (h) => {
  it("overrides project-wide secrets with the job's environment's, and sees no other environment or project", async () => {
    const project = await createTestProject(h.db, 'resolve');
    const other = await createTestProject(h.db, 'other');
    const set = (projectId: number, environment: string | null, name: string, value: string) =>
      setSecret(h.db, crypto, { projectId, environment, name, value });
    await set(project.id, null, 'TOKEN', 'wide-token');
    await set(project.id, null, 'REGISTRY', 'wide-registry');
    await set(project.id, 'prod', 'TOKEN', 'prod-token');
    await set(project.id, 'prod', 'PROD_ONLY', 'multi\nline ✓');
    await set(project.id, 'staging', 'TOKEN', 'staging-token');
    await set(other.id, null, 'OTHER', 'other');

    const prod = await resolveSecretsForJob(h.db, crypto, { projectId: project.id, environment: 'prod' });
    expect(Object.fromEntries(prod)).toEqual({
      TOKEN: 'prod-token',
      REGISTRY: 'wide-registry',
      PROD_ONLY: 'multi\nline ✓',
    });
    const wide = await resolveSecretsForJob(h.db, crypto, { projectId: project.id });
    expect(Object.fromEntries(wide)).toEqual({ TOKEN: 'wide-token', REGISTRY: 'wide-registry' });
    const unknownEnvironment = await resolveSecretsForJob(h.db, crypto, { projectId: project.id, environment: 'dev' });
    expect(Object.fromEntries(unknownEnvironment)).toEqual(Object.fromEntries(wide));
  });

  it('refuses a ciphertext copied into another row, naming the secret but not the value', async () => {
    const project = await createTestProject(h.db, 'tamper');
    await setSecret(h.db, crypto, { projectId: project.id, environment: 'prod', name: 'TOKEN', value: 'prod-token' });
    await setSecret(h.db, crypto, { projectId: project.id, name: 'TOKEN', value: 'wide-token' });
    await h.db.query(
      `UPDATE secrets SET (ciphertext, nonce) = (
         SELECT ciphertext, nonce FROM secrets WHERE project_id = $1 AND environment = 'prod')
       WHERE project_id = $1 AND environment IS NULL`,
      [project.id],
    );
    const resolving = resolveSecretsForJob(h.db, crypto, { projectId: project.id });
    await expect(resolving).rejects.toThrow(/secret TOKEN of project \d+ \(project-wide\): .*failed authentication/);
    await expect(resolving).rejects.not.toThrow(/prod-token|wide-token/);
  });

  it('says which key is needed when the master key changed', async () => {
    const project = await createTestProject(h.db, 'rekeyed');
    await setSecret(h.db, crypto, { projectId: project.id, name: 'TOKEN', value: 'x' });
    const other = createSecretCrypto({ key: randomBytes(32) });
    await expect(resolveSecretsForJob(h.db, other, { projectId: project.id })).rejects.toMatchObject({
      code: 'failed_precondition',
      message: expect.stringContaining(`encrypted with master key ${crypto.keyId}`),
    });
  });
});
