import { findExecutable } from './find-executable.js';

/** Everything before the script: `[...prefix, script]` is the argv of a `run` step. */
export type ShellPrefix = [string, ...string[]];

const resolved = new Map<string, Promise<ShellPrefix>>();

/**
 * bash with fail-fast flags (GitHub's default shell for `run`), or POSIX sh where bash is
 * absent (minimal images). Memoised per PATH: a 200-job run looks it up once.
 */
export function resolveShell(searchPath: string | undefined): Promise<ShellPrefix> {
  const key = searchPath ?? '';
  let shell = resolved.get(key);
  if (!shell) {
    shell = findShell(searchPath);
    resolved.set(key, shell);
  }
  return shell;
}

async function findShell(searchPath: string | undefined): Promise<ShellPrefix> {
  const bash = await findExecutable('bash', searchPath);
  if (bash) return [bash, '--noprofile', '--norc', '-eo', 'pipefail', '-c'];
  return [(await findExecutable('sh', searchPath)) ?? '/bin/sh', '-ec'];
}
