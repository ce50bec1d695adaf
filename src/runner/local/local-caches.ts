import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHashFiles, matchFiles, packFiles, renderCacheKey, unpackArchive } from '../../blobs/index.js';
import type { PlannedJob } from '../../pipeline/model.js';
import { createFailure, type Failure } from '../failure.js';

/**
 * `slipway run`'s caches: what a server keeps per project in its blob store, a local run keeps as one
 * archive per key under the repository's `.slipway/cache`, so a second `slipway run` restores what the
 * first one saved. The same rules as on agents: the exact key first, then each restore key as a prefix
 * (the most recently used entry that starts with it); saved after a success only, and not again when
 * the key was restored exactly. At most `maxEntries` are kept; the least recently used go first.
 */
export interface LocalCaches {
  /** After the artifacts: restores each cache of the job; a broken key template is the user's failure. */
  restore(job: PlannedJob, workspaceDir: string, log: (line: string) => void): Promise<Failure | undefined>;
  /** After a successful job: saves each cache not restored exactly. Never fails the job. */
  save(job: PlannedJob, workspaceDir: string, log: (line: string) => void): Promise<void>;
}

const extension = '.tar';

export function createLocalCaches(cacheDir: string, maxEntries = 32): LocalCaches {
  const fileOf = (key: string) => path.join(cacheDir, `${encodeURIComponent(key)}${extension}`);
  /** Workspace → the keys it restored exactly (each attempt has a workspace of its own). */
  const exactHits = new Map<string, Set<string>>();

  const render = async (job: PlannedJob, workspaceDir: string) => {
    const context = { hashFiles: createHashFiles(workspaceDir), env: job.steps[0]?.env ?? {}, matrix: job.matrix };
    const rendered: { paths: string[]; key: string; restoreKeys: string[] }[] = [];
    for (const spec of job.cache) {
      const restoreKeys: string[] = [];
      for (const template of spec.restoreKeys) restoreKeys.push(await renderCacheKey(template, context));
      rendered.push({ paths: spec.paths, key: await renderCacheKey(spec.key, context), restoreKeys });
    }
    return rendered;
  };

  /** Entries by key, most recently used first. */
  const entries = async (): Promise<{ key: string; file: string; usedMs: number }[]> => {
    const names = await readdir(cacheDir).catch(() => [] as string[]);
    const found: { key: string; file: string; usedMs: number }[] = [];
    for (const name of names) {
      if (!name.endsWith(extension)) continue;
      const file = path.join(cacheDir, name);
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile()) found.push({ key: decodeURIComponent(name.slice(0, -extension.length)), file, usedMs: info.mtimeMs });
    }
    return found.sort((a, b) => b.usedMs - a.usedMs);
  };

  return {
    async restore(job, workspaceDir, log) {
      if (job.cache.length === 0) return undefined;
      let caches: Awaited<ReturnType<typeof render>>;
      try {
        caches = await render(job, workspaceDir);
      } catch (error) {
        return createFailure('user', (error as Error).message);
      }
      const exact = new Set<string>();
      exactHits.set(workspaceDir, exact);
      for (const cache of caches) {
        const all = await entries();
        const hit = all.find((entry) => entry.key === cache.key);
        const prefixHit = hit ? undefined : cache.restoreKeys.map((prefix) => all.find((entry) => entry.key.startsWith(prefix))).find(Boolean);
        const entry = hit ?? prefixHit;
        if (!entry) {
          log(`cache: no entry for '${cache.key}'${cache.restoreKeys.length > 0 ? ` nor for ${cache.restoreKeys.map((k) => `'${k}'`).join(', ')}` : ''}`);
          continue;
        }
        try {
          const { files } = await unpackArchive(createReadStream(entry.file), workspaceDir);
          const now = new Date();
          await utimes(entry.file, now, now).catch(() => {});
          if (hit) exact.add(cache.key);
          log(`cache: restored ${files} file(s) from '${entry.key}'${hit ? '' : ` (restore key, for '${cache.key}')`}`);
        } catch (error) {
          log(`cache: restoring '${entry.key}' failed, going on without it: ${(error as Error).message}`);
        }
      }
      return undefined;
    },

    async save(job, workspaceDir, log) {
      if (job.cache.length === 0) return;
      const exact = exactHits.get(workspaceDir) ?? new Set<string>();
      exactHits.delete(workspaceDir);
      let caches: Awaited<ReturnType<typeof render>>;
      try {
        caches = await render(job, workspaceDir);
      } catch (error) {
        log(`cache: not saved: ${(error as Error).message}`);
        return;
      }
      for (const cache of caches) {
        if (exact.has(cache.key)) {
          log(`cache: '${cache.key}' was restored exactly; not saving it again`);
          continue;
        }
        try {
          const files = await matchFiles(workspaceDir, cache.paths);
          if (files.length === 0) {
            log(`cache: no files match ${cache.paths.join(', ')}; nothing saved as '${cache.key}'`);
            continue;
          }
          await mkdir(cacheDir, { recursive: true });
          // Written aside, then renamed: a run killed mid-save never leaves half an archive under the key.
          const partial = `${fileOf(cache.key)}.${process.pid}.partial`;
          await pipeline(Readable.from(packFiles(workspaceDir, files)), createWriteStream(partial));
          await rename(partial, fileOf(cache.key));
          log(`cache: saved ${files.length} file(s) as '${cache.key}'`);
        } catch (error) {
          log(`cache: saving '${cache.key}' failed: ${(error as Error).message}`);
        }
      }
      for (const stale of (await entries()).slice(maxEntries)) await rm(stale.file, { force: true });
    },
  };
}
