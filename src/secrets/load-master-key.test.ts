import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeMasterKey } from './decode-master-key.js';
import { loadMasterKey } from './load-master-key.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'slipway-master-key-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('loadMasterKey', () => {
  it('generates a key file readable by its owner only, then keeps using it', async () => {
    const dataDir = join(root, 'data');
    const created = await loadMasterKey({ dataDir });
    const file = join(dataDir, 'master.key');
    expect(created).toMatchObject({ source: 'created', file });
    expect(created.key).toHaveLength(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(decodeMasterKey(await readFile(file, 'utf8'))?.equals(created.key)).toBe(true);

    const again = await loadMasterKey({ dataDir });
    expect(again).toMatchObject({ source: 'file', file });
    expect(again.key.equals(created.key)).toBe(true);
  });

  it('gives concurrent first starts one key', async () => {
    const keys = await Promise.all(Array.from({ length: 6 }, () => loadMasterKey({ dataDir: root })));
    expect(new Set(keys.map((k) => k.key.toString('hex'))).size).toBe(1);
    expect(keys.filter((k) => k.source === 'created')).toHaveLength(1);
  });

  it('refuses a key file that group or others can read, saying to chmod 600', async () => {
    const file = join(root, 'master.key');
    await writeFile(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    await chmod(file, 0o644);
    await expect(loadMasterKey({ dataDir: root })).rejects.toThrow(
      expect.objectContaining({
        code: 'failed_precondition',
        message: expect.stringContaining(`mode 0644): run \`chmod 600 ${file}\``),
      }),
    );
    await chmod(file, 0o600);
    expect((await loadMasterKey({ dataDir: root })).source).toBe('file');
  });

  it('refuses a damaged key file rather than replacing it', async () => {
    const file = join(root, 'master.key');
    await writeFile(file, 'half a key', { mode: 0o600 });
    await expect(loadMasterKey({ dataDir: root })).rejects.toThrow(/master\.key must be 32 bytes .* restore it/);
    expect(await readFile(file, 'utf8')).toBe('half a key');
  });

  it('uses the configured key and touches no file', async () => {
    const masterKey = randomBytes(32);
    const loaded = await loadMasterKey({ masterKey, dataDir: join(root, 'never') });
    expect(loaded).toEqual({ key: masterKey, source: 'config' });
    await expect(stat(join(root, 'never'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
