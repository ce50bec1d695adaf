import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { renderPlaceholderPage } from '../placeholder-page.js';
import { uiAssetsPrefix, uiRoutePatterns } from './ui-paths.js';

export interface UiRouteOptions {
  version: string;
  /**
   * The built UI (index.html + assets/). Default `<package>/dist/ui`: this file is three directories
   * below the package root both as src/api/ui/*.ts (tests) and as dist/api/ui/*.js.
   */
  uiDir?: string;
}

const defaultUiDir = fileURLToPath(new URL('../../../dist/ui/', import.meta.url));
const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};
// Vite names assets `name-hash.ext`; nothing with a slash or `..` can name a file outside assets/.
const assetName = /^[\w.-]+$/;

/**
 * Serves the web UI built by scripts/build.mjs (Vite → dist/ui): index.html for every UI path (the
 * client routes), hashed assets under /ui/assets/. When the UI was not built (a source checkout
 * without `npm run build`), the UI paths answer a short page saying so.
 */
export function registerUiRoutes(app: FastifyInstance, options: UiRouteOptions): void {
  const uiDir = options.uiDir ?? defaultUiDir;
  const assetsDir = join(uiDir, 'assets');
  // Read per request (it is tiny): a rebuild swaps dist/ under a running server, and a cached copy
  // would name assets that no longer exist.
  const readIndex = () => readFile(join(uiDir, 'index.html'), 'utf8').catch(() => undefined);

  for (const pattern of uiRoutePatterns) {
    app.get(pattern, async (_request, reply) => {
      const html = await readIndex();
      void reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache');
      return html ?? renderPlaceholderPage(options.version);
    });
  }

  app.get(`${uiAssetsPrefix}:name`, async (request, reply) => {
    const { name } = request.params as { name: string };
    const type = contentTypes[extname(name)];
    if (!assetName.test(name) || type === undefined) throw new AppError(ErrorCode.notFound, `no UI asset ${name}`);
    const path = join(assetsDir, name);
    const found = await stat(path).catch(() => undefined);
    if (!found?.isFile()) throw new AppError(ErrorCode.notFound, `no UI asset ${name}: rebuild the UI with npm run build`);
    void reply
      .type(type)
      .header('content-length', String(found.size))
      .header('cache-control', 'public, max-age=31536000, immutable');
    return reply.send(createReadStream(path));
  });
}
