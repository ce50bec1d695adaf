import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Db } from '../store/db.js';
import { createPgliteDb } from '../store/pglite/connect.js';

let template: Promise<Blob> | undefined;

/**
 * A fresh, empty in-memory PGlite. Creating one runs initdb (about 5 s here); loading a saved copy of
 * a just-initialised data directory takes about 1.5 s, so the copy is kept on disk, per PGlite version.
 */
export async function openTestPglite(): Promise<Db> {
  template ??= loadTemplate();
  try {
    return createPgliteDb(await PGlite.create({ loadDataDir: await template }));
  } catch {
    // A damaged cache file (say, a full disk) is rebuilt once rather than failing every later run.
    await rm(templateFile(), { force: true });
    template = loadTemplate();
    return createPgliteDb(await PGlite.create({ loadDataDir: await template }));
  }
}

function templateFile(): string {
  const require = createRequire(import.meta.url);
  const packageJson = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const { version } = require(packageJson) as { version: string };
  return join(tmpdir(), 'slipway-test-cache', `pglite-${version}-initdb.tar`);
}

async function loadTemplate(): Promise<Blob> {
  const file = templateFile();
  try {
    return new Blob([await readFile(file)]);
  } catch {
    // Not cached yet: build it below.
  }
  const pglite = await PGlite.create();
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  await mkdir(dirname(file), { recursive: true });
  // Written aside then renamed: test files starting together never read a half-written template.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, file);
  return dump;
}
