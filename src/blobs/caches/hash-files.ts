import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { matchFiles } from '../archive/match-files.js';

/**
 * `hashFiles` for one workspace: sha256 over the selected files in path order, each contributing its
 * path and the sha256 of its contents (a symlink: its target), so renaming a file changes the result
 * as much as editing it. No file selected gives '', as in GitHub.
 */
export function createHashFiles(workspaceDir: string): (globs: string[]) => Promise<string> {
  return async (globs) => {
    const files = await matchFiles(workspaceDir, globs);
    if (files.length === 0) return '';
    const outer = createHash('sha256');
    for (const file of files) {
      const inner = createHash('sha256');
      if (file.type === 'symlink') inner.update(`symlink:${file.target}`);
      else for await (const chunk of createReadStream(join(workspaceDir, ...file.path.split('/')))) inner.update(chunk);
      outer.update(`${file.path}\u0000${inner.digest('hex')}\n`);
    }
    return outer.digest('hex');
  };
}
