import { realpath } from 'node:fs/promises';
import path from 'node:path';

export type WorkingDirectoryResolution = { ok: true; dir: string } | { ok: false; message: string };

/**
 * The step's cwd: `workingDirectory` is relative to the workspace and must stay inside it, both
 * as written and after following symlinks (a checked-in `link -> /etc` must not escape).
 */
export async function resolveWorkingDirectory(
  workspaceDir: string,
  workingDirectory: string | undefined,
): Promise<WorkingDirectoryResolution> {
  if (workingDirectory === undefined || workingDirectory === '') return { ok: true, dir: workspaceDir };
  const dir = path.resolve(workspaceDir, workingDirectory);
  if (!isInside(workspaceDir, dir)) {
    return {
      ok: false,
      message: `working-directory '${workingDirectory}' is outside the workspace; use a path relative to the repository root`,
    };
  }
  let realDir: string;
  try {
    realDir = await realpath(dir);
  } catch {
    return {
      ok: false,
      message: `working-directory '${workingDirectory}' does not exist in the workspace; create it in an earlier step or fix the path`,
    };
  }
  if (!isInside(await realpath(workspaceDir), realDir)) {
    return {
      ok: false,
      message: `working-directory '${workingDirectory}' resolves through a symlink to '${realDir}', outside the workspace`,
    };
  }
  return { ok: true, dir };
}

function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
