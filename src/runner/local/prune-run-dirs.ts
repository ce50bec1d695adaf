import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Keeps the `keep` newest run directories under `runsDir` and deletes the rest. Run ids start with
 * their UTC start time (`20250102T030405Z-3fa2`), so name order is age order. Returns what it removed.
 */
export async function pruneRunDirs(runsDir: string, keep: number): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(runsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const stale = names.sort().slice(0, Math.max(0, names.length - Math.max(0, keep)));
  await Promise.all(stale.map((name) => rm(path.join(runsDir, name), { recursive: true, force: true })));
  return stale;
}
