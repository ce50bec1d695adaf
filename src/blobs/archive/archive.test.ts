import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashBytes } from '../digest.js';
import type { TarEntry } from '../tar/tar-entry.js';
import { writeTar } from '../tar/write-tar.js';
import { checkArchivePath } from './check-archive-path.js';
import { matchFiles } from './match-files.js';
import { packFiles } from './pack-files.js';
import { unpackArchive } from './unpack-archive.js';

let dir: string;
let workspace: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-archive-'));
  workspace = join(dir, 'ws');
  await mkdir(join(workspace, 'dist/assets'), { recursive: true });
  await mkdir(join(workspace, 'node_modules/.bin'), { recursive: true });
  await writeFile(join(workspace, 'dist/app.js'), 'app');
  await writeFile(join(workspace, 'dist/app.js.map'), 'map');
  await writeFile(join(workspace, 'dist/assets/logo.svg'), '<svg/>');
  await writeFile(join(workspace, 'dist/run.sh'), '#!/bin/sh\n');
  await chmod(join(workspace, 'dist/run.sh'), 0o755);
  await writeFile(join(workspace, 'node_modules/.bin/tool'), 'tool');
  await writeFile(join(workspace, 'package-lock.json'), '{}');
  await symlink('app.js', join(workspace, 'dist/current.js'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

describe('checkArchivePath', () => {
  it('accepts relative paths and refuses escaping or ambiguous ones', () => {
    expect(checkArchivePath('dist/app.js')).toBe('dist/app.js');
    expect(checkArchivePath('.cache/x..y')).toBe('.cache/x..y');
    for (const [bad, why] of [
      ['/etc/passwd', /absolute/],
      ['C:/x', /absolute/],
      ['a/../../b', /'\.\.' segment/],
      ['..', /'\.\.' segment/],
      ['a\u0000b', /NUL/],
      ['a\\..\\b', /'\\'/],
      ['a//b', /empty/],
      ['./a', /'\.' segment/],
      ['', /empty/],
    ] as const) {
      expect(() => checkArchivePath(bad), bad).toThrow(why);
    }
  });
});

describe('matchFiles', () => {
  it('selects files by glob, whole directories by name, and removes ! patterns', async () => {
    const matched = await matchFiles(workspace, ['dist', '!dist/**/*.map', 'package-lock.json', 'missing/**']);
    expect(matched.map((f) => f.path)).toEqual([
      'dist/app.js',
      'dist/assets/logo.svg',
      'dist/current.js',
      'dist/run.sh',
      'package-lock.json',
    ]);
    expect(matched.find((f) => f.path === 'dist/run.sh')?.mode).toBe(0o755);
    expect(matched.find((f) => f.path === 'dist/current.js')).toMatchObject({ type: 'symlink', target: 'app.js' });
  });

  it('matches dot files and directories', async () => {
    expect((await matchFiles(workspace, ['node_modules/**'])).map((f) => f.path)).toEqual(['node_modules/.bin/tool']);
    expect((await matchFiles(workspace, ['**/*.svg'])).map((f) => f.path)).toEqual(['dist/assets/logo.svg']);
  });

  it('refuses patterns outside the workspace and symlinks pointing out of it', async () => {
    await expect(matchFiles(workspace, ['../secrets/**'])).rejects.toThrow(/must stay inside the workspace/);
    await expect(matchFiles(workspace, ['/etc/passwd'])).rejects.toThrow(/must stay inside the workspace/);
    await symlink('../../outside', join(workspace, 'dist/escape'));
    await expect(matchFiles(workspace, ['dist'])).rejects.toThrow(/symlink dist\/escape points outside the workspace/);
    expect((await matchFiles(workspace, ['dist', '!dist/escape'])).length).toBe(5);
  });
});

describe('packFiles + unpackArchive', () => {
  it('restores contents, modes and symlinks, and packs the same files to the same digest', async () => {
    const files = await matchFiles(workspace, ['dist', 'package-lock.json']);
    const archive = await collect(packFiles(workspace, files));
    expect(hashBytes(await collect(packFiles(workspace, files)))).toBe(hashBytes(archive));
    const dest = join(dir, 'dest');
    const result = await unpackArchive(Readable.from([archive]), dest);
    expect(result).toEqual({ files: 6, bytes: 'app'.length + 'map'.length + '<svg/>'.length + '#!/bin/sh\n'.length + 2 });
    expect(await readFile(join(dest, 'dist/assets/logo.svg'), 'utf8')).toBe('<svg/>');
    expect((await lstat(join(dest, 'dist/run.sh'))).mode & 0o777).toBe(0o755);
    expect(await readlink(join(dest, 'dist/current.js'))).toBe('app.js');
    expect(await readFile(join(dest, 'dist/current.js'), 'utf8')).toBe('app');
  });

  it('replaces existing files in the destination', async () => {
    const dest = join(dir, 'dest');
    await mkdir(dest);
    await writeFile(join(dest, 'package-lock.json'), 'old');
    await unpackArchive(packFiles(workspace, await matchFiles(workspace, ['package-lock.json'])), dest);
    expect(await readFile(join(dest, 'package-lock.json'), 'utf8')).toBe('{}');
  });
});

describe('unpackArchive refuses crafted archives', () => {
  const file = (path: string, content = 'pwned'): TarEntry => ({
    type: 'file',
    path,
    mode: 0o644,
    size: content.length,
    body: () => Buffer.from(content),
  });
  const unpack = async (entries: TarEntry[]) => unpackArchive(writeTar(entries), join(dir, 'dest'));

  it.each([
    ['a parent-directory path', [file('../evil.txt')], /'\.\.' segment/],
    ['a nested parent-directory path', [file('ok/../../evil.txt')], /'\.\.' segment/],
    ['an absolute path', [file('/tmp/evil.txt')], /absolute/],
    ['a NUL in a PAX path', [file(`a\u0000${'b'.repeat(120)}`)], /NUL/],
    ['a symlink out of the destination', [{ type: 'symlink', path: 'l', mode: 0o777, target: '../../etc' }], /outside the destination/],
    ['an absolute symlink', [{ type: 'symlink', path: 'l', mode: 0o777, target: '/etc' }], /only relative targets/],
    [
      'a file written through an archived symlink',
      [{ type: 'symlink', path: 'l', mode: 0o777, target: 'sub' }, file('l/x')],
      /a directory already exists/,
    ],
  ] as [string, TarEntry[], RegExp][])('%s', async (_name, entries, why) => {
    await expect(unpack(entries)).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(why) });
    await expect(lstat(join(dir, 'evil.txt'))).rejects.toThrow(/ENOENT/);
  });

  it('does not write through a symlink already in the destination', async () => {
    const dest = join(dir, 'dest');
    const outside = join(dir, 'outside');
    await mkdir(outside);
    await mkdir(dest);
    await symlink(outside, join(dest, 'out'));
    await writeFile(join(outside, 'kept.txt'), 'kept');
    await symlink(join(outside, 'kept.txt'), join(dest, 'replaced.txt'));
    await expect(unpackArchive(writeTar([file('out/evil.txt')]), dest)).rejects.toThrow(/out is a symlink/);
    await unpackArchive(writeTar([file('replaced.txt', 'new')]), dest);
    expect(await readFile(join(outside, 'kept.txt'), 'utf8')).toBe('kept');
    expect(await readFile(join(dest, 'replaced.txt'), 'utf8')).toBe('new');
    await expect(lstat(join(outside, 'evil.txt'))).rejects.toThrow(/ENOENT/);
  });
});
