import { fileURLToPath } from 'node:url';
import type { Sandbox, SandboxCommand } from './sandbox.js';

export interface BubblewrapOptions {
  /** Absolute path of the `bwrap` binary. */
  bwrapPath: string;
}

/**
 * Read-only view of the host, a private /tmp, the workspace writable.
 *
 * Process-group kill still works because bwrap is spawned as a group leader and no
 * `--new-session` is passed: every process inside stays in that group. `--new-session` only
 * guards against TIOCSTI on a controlling terminal, and steps have none (they run in their own
 * session with piped stdio). `--unshare-pid` + `--die-with-parent` make the sandbox's init
 * kill everything inside when bwrap dies, even processes that called setsid().
 */
export function createBubblewrapSandbox(options: BubblewrapOptions): Sandbox {
  return {
    kind: 'bubblewrap',
    wrap: (command) => ({
      file: options.bwrapPath,
      args: [...bubblewrapArgs(command, visibleInstallation), '--', ...command.argv],
      cwd: command.cwd,
      // The host's TMPDIR and $HOME are read-only in here. Tools write caches and config under
      // $HOME (npm, pip, git), so it moves into the private /tmp; the real home stays readable,
      // since toolchains often live there (nvm, pyenv).
      env: { ...command.env, TMPDIR: '/tmp', HOME: sandboxHomeDir },
    }),
  };
}

const sandboxHomeDir = '/tmp/home';

/** Slipway's own installation (the package root), whose CLI steps may call (`slipway deploy`, `loadtest`). */
const installRoot = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
// The private /tmp would hide an installation under /tmp (a checkout or CI clone there): mount it back.
const visibleInstallation = installRoot.startsWith('/tmp/') ? [installRoot] : [];

/** `readOnly`: host paths under /tmp to keep visible (read-only) on top of the private /tmp. */
export function bubblewrapArgs(command: Pick<SandboxCommand, 'cwd' | 'workspaceDir' | 'network'>, readOnly: readonly string[] = []): string[] {
  return [
    '--die-with-parent',
    '--unshare-pid',
    ...(command.network ? [] : ['--unshare-net']),
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    '--dir', sandboxHomeDir,
    ...readOnly.flatMap((path) => ['--ro-bind', path, path]),
    // After --tmpfs /tmp, so a workspace under /tmp is mounted on top of the private /tmp.
    '--bind', command.workspaceDir, command.workspaceDir,
    '--chdir', command.cwd,
  ];
}
