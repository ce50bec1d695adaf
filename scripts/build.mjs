// Compiles src/ to dist/, copies the non-TypeScript assets (SQL migrations) beside the JS, and builds
// the web UI (ui/, Vite) into dist/ui.
// Builds into a fresh directory and swaps it in, so a process running dist/ meanwhile (a test
// spawning the CLI) never sees a half-written tree.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildUi } from './build-ui.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const out = join(root, `.dist-${process.pid}`);
rmSync(out, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });
  copyAssets(join(root, 'src'));
  await buildUi(join(out, 'ui'));
  const old = join(root, `.dist-old-${process.pid}`);
  try {
    renameSync(join(root, 'dist'), old);
  } catch {}
  renameSync(out, join(root, 'dist'));
  rmSync(old, { recursive: true, force: true });
} finally {
  rmSync(out, { recursive: true, force: true });
}

function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) copyAssets(path);
    else if (name.endsWith('.sql')) cpSync(path, join(out, path.slice(join(root, 'src').length)));
  }
}
