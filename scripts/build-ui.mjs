// Builds the web UI (ui/, Vite + React) into `<outDir>`: index.html and hashed files under assets/,
// served by the server at /ui/assets/ (src/api/ui/register-ui-routes.ts). Inline config, no
// vite.config file: one place says how the UI is built. Run alone: `node scripts/build-ui.mjs [outDir]`.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');

export async function buildUi(outDir) {
  await build({
    configFile: false,
    root: join(root, 'ui'),
    base: '/ui/',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, assetsDir: 'assets', reportCompressedSize: false, sourcemap: false },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildUi(resolve(process.argv[2] ?? join(root, 'dist', 'ui')));
}
