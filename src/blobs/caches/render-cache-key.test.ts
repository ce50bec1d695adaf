// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${{ ... }}` is cache key syntax under test, not a template
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashFiles } from './hash-files.js';
import { describeRunnerOs, renderCacheKey } from './render-cache-key.js';

const fakeHashFiles = async (globs: string[]) => `H(${globs.join('|')})`;

describe('renderCacheKey', () => {
  it('renders hashFiles, runner.os, matrix and env expressions', async () => {
    const key = await renderCacheKey(
      "npm-${{ runner.os }}-${{matrix.node}}-${{ env.LOCK_VERSION }}-${{ hashFiles('**/package-lock.json', 'it''s.txt') }}",
      { hashFiles: fakeHashFiles, env: { LOCK_VERSION: 'v2' }, matrix: { node: 20 }, runnerOs: 'Linux' },
    );
    expect(key).toBe("npm-Linux-20-v2-H(**/package-lock.json|it's.txt)");
  });

  it('names the OS as GitHub does by default', async () => {
    expect(await renderCacheKey('${{ runner.os }}', { hashFiles: fakeHashFiles, env: {} })).toBe(describeRunnerOs(process.platform));
    expect(describeRunnerOs('darwin')).toBe('macOS');
  });

  it.each([
    ['${{ github.sha }}', /unsupported expression \$\{\{ github.sha \}\}/],
    ['${{ env.MISSING }}', /env.MISSING is not set/],
    ['${{ matrix.os }}', /matrix.os is not a matrix value/],
    ['${{ hashFiles(package-lock.json) }}', /hashFiles takes quoted globs/],
    ['${{ hashFiles() }}', /at least one glob/],
    ['npm-${{ runner.os', /not closed/],
    ['a,b', /contains a comma/],
    ['  ', /is empty/],
  ])('refuses %s', async (template, why) => {
    await expect(renderCacheKey(template, { hashFiles: fakeHashFiles, env: {}, runnerOs: 'Linux' })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(why),
    });
  });
});

describe('createHashFiles', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'slipway-hashfiles-'));
    await mkdir(join(workspace, 'a'), { recursive: true });
    await writeFile(join(workspace, 'package-lock.json'), '{"v":1}');
    await writeFile(join(workspace, 'a/package-lock.json'), '{"v":2}');
  });
  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it('depends on the selected files’ paths and contents, not on pattern order', async () => {
    const hashFiles = createHashFiles(workspace);
    const both = await hashFiles(['**/package-lock.json']);
    expect(both).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashFiles(['a/package-lock.json', 'package-lock.json'])).toBe(both);
    expect(await hashFiles(['package-lock.json'])).not.toBe(both);
    await writeFile(join(workspace, 'a/package-lock.json'), '{"v":3}');
    expect(await hashFiles(['**/package-lock.json'])).not.toBe(both);
    expect(await hashFiles(['nothing/**'])).toBe('');
  });
});
