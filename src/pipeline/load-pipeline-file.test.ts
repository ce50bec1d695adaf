import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadPipelineFile } from './load-pipeline-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-pipeline-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('reads and parses a file, diagnostics naming the path', async () => {
  const path = join(dir, 'ok.pipeline.yml');
  await writeFile(path, 'name: p\nstages: [{ name: a, steps: [{ run: x }] }]\n');
  const result = await loadPipelineFile(path);
  expect(result.ok && result.pipeline.stages[0]!.name).toBe('a');

  const bad = join(dir, 'bad.pipeline.yml');
  await writeFile(bad, 'name: p\nstages: []\n');
  expect((await loadPipelineFile(bad)).diagnostics).toEqual([
    { file: bad, line: 2, col: 9, path: 'stages', message: "'stages' must not be empty — add at least one stage" },
  ]);
});

test('a missing file is a diagnostic at 1:1, not an exception', async () => {
  const path = join(dir, 'missing.yml');
  expect(await loadPipelineFile(path)).toEqual({
    ok: false,
    diagnostics: [
      {
        file: path,
        line: 1,
        col: 1,
        path: '',
        message: 'pipeline file not found — create it, or pass the path of an existing .pipeline.yml',
      },
    ],
  });
});

test('a directory is refused as not a regular file', async () => {
  const result = await loadPipelineFile(dir);
  expect(result.diagnostics.map((d) => [d.line, d.col, d.message])).toEqual([
    [1, 1, 'not a regular file — pass the path of a .pipeline.yml'],
  ]);
});

test('an oversized file is refused from its size, before it is read', async () => {
  const path = join(dir, 'huge.yml');
  await writeFile(path, '');
  // Sparse, so it costs no disk. Reading 4 GiB would fail differently (fs refuses files over 2 GiB).
  await truncate(path, 4 * 1024 ** 3);
  const result = await loadPipelineFile(path);
  expect(result.diagnostics.map((d) => d.message)).toEqual([
    'pipeline file is 4096.0 MiB; the limit is 1 MiB — move generated data out of it',
  ]);
});
