import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTar } from './read-tar.js';
import type { TarEntry } from './tar-entry.js';
import { encodeHeaders } from './tar-header.js';
import { writeTar } from './write-tar.js';

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

type Read = { type: string; path: string; mode: number; size?: number; target?: string; content?: string };

async function readAllEntries(archive: Buffer, chunkBytes = 700): Promise<Read[]> {
  const chunks = (async function* () {
    for (let i = 0; i < archive.length; i += chunkBytes) yield archive.subarray(i, i + chunkBytes);
  })();
  const out: Read[] = [];
  for await (const entry of readTar(chunks)) {
    if (entry.type === 'file') {
      out.push({ type: 'file', path: entry.path, mode: entry.mode, size: entry.size, content: (await collect(entry.body)).toString() });
    } else if (entry.type === 'symlink') {
      out.push({ type: 'symlink', path: entry.path, mode: entry.mode, target: entry.target });
    } else {
      out.push({ type: 'directory', path: entry.path, mode: entry.mode });
    }
  }
  return out;
}

const file = (path: string, content: string, mode = 0o644): TarEntry => ({
  type: 'file',
  path,
  mode,
  size: Buffer.byteLength(content),
  body: () => Buffer.from(content),
});

const longDir = `${'d'.repeat(60)}/${'e'.repeat(60)}`;
const entries: TarEntry[] = [
  { type: 'directory', path: 'bin', mode: 0o755 },
  file('bin/run.sh', '#!/bin/sh\necho hi\n', 0o755),
  file('empty.txt', ''),
  file('block.bin', 'x'.repeat(512)),
  file('über/ünïcode.txt', 'ü'),
  file(`${longDir}/${'f'.repeat(90)}.txt`, 'split into prefix and name'),
  file(`${'g'.repeat(200)}/${'h'.repeat(120)}.txt`, 'needs a PAX path'),
  { type: 'symlink', path: 'bin/latest', mode: 0o777, target: 'run.sh' },
  { type: 'symlink', path: 'far', mode: 0o777, target: `${'../'.repeat(0)}${'t/'.repeat(60)}x` },
];

describe('writeTar + readTar', () => {
  it('round-trips files, directories and symlinks with their paths and modes', async () => {
    const archive = await collect(writeTar(entries));
    expect(archive.length % 512).toBe(0);
    const read = await readAllEntries(archive);
    expect(read).toEqual(
      entries.map((e) =>
        e.type === 'file'
          ? { type: 'file', path: e.path, mode: e.mode, size: e.size, content: (e.body() as Buffer).toString() }
          : e.type === 'symlink'
            ? { type: 'symlink', path: e.path, mode: e.mode, target: e.target }
            : { type: 'directory', path: e.path, mode: e.mode },
      ),
    );
  });

  it('writes the same bytes for the same entries', async () => {
    expect(await collect(writeTar(entries))).toEqual(await collect(writeTar(entries)));
  });

  it('skips a body that was read only in part, or not at all', async () => {
    const archive = await collect(writeTar([file('a', 'a'.repeat(3000)), file('b', 'bee'), file('c', 'sea')]));
    const seen: string[] = [];
    for await (const entry of readTar(Readable.from([archive.subarray(0, 1000), archive.subarray(1000)]))) {
      if (entry.type !== 'file') continue;
      if (entry.path === 'a') for await (const _ of entry.body) break;
      if (entry.path === 'c') seen.push((await collect(entry.body)).toString());
      seen.push(entry.path);
    }
    expect(seen).toEqual(['a', 'b', 'sea', 'c']);
  });

  it('fails when a file does not produce its declared size', async () => {
    const shrunk: TarEntry = { type: 'file', path: 'log.txt', mode: 0o644, size: 10, body: () => Buffer.from('short') };
    await expect(collect(writeTar([shrunk]))).rejects.toThrow(/log.txt changed while it was being archived/);
  });

  it('refuses a corrupted header, a truncated archive and a hard link', async () => {
    const archive = await collect(writeTar([file('a.txt', 'hello')]));
    const corrupted = Buffer.from(archive);
    corrupted[0] = 'b'.charCodeAt(0);
    await expect(readAllEntries(corrupted)).rejects.toThrow(/wrong checksum/);
    await expect(readAllEntries(archive.subarray(0, 512 + 3))).rejects.toThrow(/truncated/);
    await expect(readAllEntries(archive.subarray(0, 1024))).rejects.toThrow(/end-of-archive marker/);
    const hardLink = Buffer.concat([encodeHeaders({ path: 'h', typeflag: '1', mode: 0o644, size: 0, linkTarget: '/etc/passwd' }), Buffer.alloc(1024)]);
    await expect(readAllEntries(hardLink)).rejects.toThrow(/hard link/);
  });
});

describe('interoperability with GNU tar', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-tar-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes archives GNU tar extracts', async () => {
    const out = join(dir, 'extracted');
    await mkdir(out);
    execFileSync('tar', ['-xf', '-', '-C', out], { input: await collect(writeTar(entries)) });
    expect(await readFile(join(out, 'bin/run.sh'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect((await stat(join(out, 'bin/run.sh'))).mode & 0o777).toBe(0o755);
    expect(await readFile(join(out, `${'g'.repeat(200)}/${'h'.repeat(120)}.txt`), 'utf8')).toBe('needs a PAX path');
    expect(await readFile(join(out, `${longDir}/${'f'.repeat(90)}.txt`), 'utf8')).toBe('split into prefix and name');
    expect(await readFile(join(out, 'über/ünïcode.txt'), 'utf8')).toBe('ü');
    expect(await readlink(join(out, 'bin/latest'))).toBe('run.sh');
  });

  it('reads archives GNU tar writes in pax format', async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, 'deep', 'x'.repeat(120)), { recursive: true });
    await writeFile(join(src, 'deep', 'x'.repeat(120), 'y'.repeat(120)), 'long');
    await writeFile(join(src, 'a.txt'), 'A', { mode: 0o600 });
    await symlink('a.txt', join(src, 'link'));
    const archive = execFileSync('tar', ['--format=pax', '--sort=name', '-cf', '-', '-C', src, '.']);
    const read = await readAllEntries(archive);
    expect(read).toContainEqual({ type: 'file', path: './a.txt', mode: 0o600, size: 1, content: 'A' });
    expect(read).toContainEqual({ type: 'symlink', path: './link', mode: 0o777, target: 'a.txt' });
    expect(read).toContainEqual(
      expect.objectContaining({ type: 'file', path: `./deep/${'x'.repeat(120)}/${'y'.repeat(120)}`, content: 'long' }),
    );
  });
});
