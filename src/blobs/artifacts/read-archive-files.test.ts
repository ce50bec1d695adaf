import { describe, expect, it } from 'vitest';
import type { TarEntry } from '../tar/tar-entry.js';
import { writeTar } from '../tar/write-tar.js';
import { artifactFileType } from './artifact-file-type.js';
import { listArchiveFiles, openArchiveFile } from './read-archive-files.js';

const file = (path: string, content: string): TarEntry => ({ type: 'file', path, mode: 0o644, size: Buffer.byteLength(content), body: () => Buffer.from(content) });
const entries: TarEntry[] = [
  { type: 'directory', path: 'dist', mode: 0o755 },
  file('dist/a.txt', 'aaa'),
  file('dist/big.bin', 'b'.repeat(70_000)),
  { type: 'symlink', path: 'dist/latest', mode: 0o777, target: 'a.txt' },
  file('dist/z.json', '{"z":1}'),
];
/** The archive as a stream that records whether it was read to its end. */
const archive = () => {
  const state = { exhausted: false };
  const source = (async function* () {
    yield* writeTar(entries);
    state.exhausted = true;
  })();
  return { source, state };
};
const text = async (chunks: AsyncIterable<Buffer>) => {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts).toString();
};

describe('listArchiveFiles', () => {
  it('lists files and symlinks, not directories, in archive order', async () => {
    expect(await listArchiveFiles(archive().source, 100)).toEqual({
      files: [
        { path: 'dist/a.txt', type: 'file', size: 3 },
        { path: 'dist/big.bin', type: 'file', size: 70_000 },
        { path: 'dist/latest', type: 'symlink', size: 0, target: 'a.txt' },
        { path: 'dist/z.json', type: 'file', size: 7 },
      ],
      truncated: false,
    });
  });

  it('stops after maxFiles and says the listing is truncated, without reading the rest', async () => {
    const { source, state } = archive();
    const listing = await listArchiveFiles(source, 2);
    expect(listing.files.map((f) => f.path)).toEqual(['dist/a.txt', 'dist/big.bin']);
    expect(listing.truncated).toBe(true);
    expect(state.exhausted).toBe(false);
  });
});

describe('openArchiveFile', () => {
  it("streams one file's bytes past larger ones and closes the source once the body ends", async () => {
    let closed = 0;
    const opened = await openArchiveFile(archive().source, 'dist/z.json', () => closed++);
    expect(opened?.size).toBe(7);
    expect(closed).toBe(0);
    expect(await text(opened!.body)).toBe('{"z":1}');
    expect(closed).toBe(1);
  });

  it('closes the source when the body is abandoned part way or before its first byte', async () => {
    let closed = 0;
    const opened = await openArchiveFile(archive().source, 'dist/big.bin', () => closed++);
    await opened!.body.next();
    await opened!.body.return();
    expect(closed).toBe(1);
    const unread = await openArchiveFile(archive().source, 'dist/a.txt', () => closed++);
    await unread!.body.return();
    expect(closed).toBe(2);
  });

  it('answers undefined, having closed the source, for a missing path, a directory or a symlink', async () => {
    for (const path of ['dist/nope', 'dist', 'dist/latest']) {
      let closed = 0;
      expect(await openArchiveFile(archive().source, path, () => closed++)).toBeUndefined();
      expect(closed).toBe(1);
    }
  });
});

describe('artifactFileType', () => {
  it('serves JSON as JSON, text formats (HTML and SVG included) as plain text, the rest as bytes', () => {
    expect(artifactFileType('out/loadtest-report.JSON')).toBe('application/json; charset=utf-8');
    expect(['a.txt', 'b/c.log', 'page.html', 'pic.svg', 'app.js'].map(artifactFileType)).toEqual(Array(5).fill('text/plain; charset=utf-8'));
    expect(['a.bin', 'Makefile', '.env', 'dir.json/x', 'x.png'].map(artifactFileType)).toEqual(Array(5).fill('application/octet-stream'));
  });
});
