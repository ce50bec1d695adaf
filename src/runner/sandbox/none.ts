import type { Sandbox } from './sandbox.js';

/** Runs the command as is: the fallback when bubblewrap is missing or cannot create namespaces. */
export function createNoSandbox(): Sandbox {
  return {
    kind: 'none',
    wrap: ({ argv, cwd, env }) => ({ file: argv[0], args: argv.slice(1), cwd, env }),
  };
}
