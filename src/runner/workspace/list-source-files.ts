import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Directory names never copied from a tree that is not a git repository. */
const skippedDirNames = new Set(['.git', 'node_modules', '.slipway']);

/**
 * Repository-relative paths of the files a job's workspace starts with: in a git repository,
 * what `git status` would consider part of the working tree (tracked + untracked, not ignored);
 * elsewhere every file outside .git, node_modules and .slipway. `excludeDirs` (relative) are
 * never descended into — the run directory itself, so runs never copy earlier runs.
 */
export async function listSourceFiles(repoDir: string, excludeDirs: string[]): Promise<string[]> {
  if (await isGitWorkTree(repoDir)) return listGitFiles(repoDir, excludeDirs);
  return walk(repoDir, '', new Set(excludeDirs.map((dir) => dir.replace(/\/+$/, ''))));
}

async function isGitWorkTree(dir: string): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir });
    return stdout.trim() === 'true';
  } catch {
    return false;
  }
}

async function listGitFiles(repoDir: string, excludeDirs: string[]): Promise<string[]> {
  const excludes = excludeDirs.map((dir) => `--exclude=/${dir.replace(/\/+$/, '')}/`);
  const { stdout } = await execFileAsync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', ...excludes],
    { cwd: repoDir, maxBuffer: 1024 * 1024 * 1024, encoding: 'buffer' },
  );
  const excludedPrefixes = excludeDirs.map((dir) => `${dir.replace(/\/+$/, '')}/`);
  const seen = new Set<string>();
  for (const file of stdout.toString('utf8').split('\0')) {
    // --cached and --others never overlap, but a file with unmerged stages is listed per stage.
    if (file === '' || excludedPrefixes.some((prefix) => file.startsWith(prefix))) continue;
    seen.add(file);
  }
  return [...seen];
}

async function walk(root: string, relativeDir: string, excludeDirs: Set<string>): Promise<string[]> {
  const entries = await readdir(path.join(root, relativeDir), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (skippedDirNames.has(entry.name) || excludeDirs.has(relative)) continue;
      files.push(...(await walk(root, relative, excludeDirs)));
    } else {
      files.push(relative);
    }
  }
  return files;
}
