import { findExecutable } from '../find-executable.js';
import { runProcess } from '../run-process.js';
import { createBubblewrapSandbox } from './bubblewrap.js';
import { createNoSandbox } from './none.js';
import type { Sandbox } from './sandbox.js';

export interface DetectedSandbox {
  sandbox: Sandbox;
  /** Set when steps will run unsandboxed: tell the user once per run. */
  notice?: string;
}

export interface DetectSandboxOptions {
  /** PATH-style search list for `bwrap`. */
  searchPath: string | undefined;
  /** Any existing directory; the probe binds it like a workspace. */
  probeDir: string;
}

/**
 * bubblewrap when it is installed and can actually create namespaces here (it cannot in some
 * containers), otherwise no sandbox plus a notice saying why.
 */
export async function detectSandbox(options: DetectSandboxOptions): Promise<DetectedSandbox> {
  const bwrapPath = await findExecutable('bwrap', options.searchPath);
  if (bwrapPath === undefined) {
    return {
      sandbox: createNoSandbox(),
      notice: 'bubblewrap (bwrap) not found: steps run without a sandbox; install bubblewrap to isolate them',
    };
  }
  const sandbox = createBubblewrapSandbox({ bwrapPath });
  const stderr: string[] = [];
  const probe = sandbox.wrap({
    argv: ['true'],
    cwd: options.probeDir,
    env: { PATH: options.searchPath ?? '/usr/bin:/bin' },
    workspaceDir: options.probeDir,
    network: false,
  });
  const outcome = await runProcess(probe, {
    timeoutMs: 10_000,
    killGraceMs: 1000,
    onOutput: (stream, text) => {
      if (stream === 'stderr') stderr.push(text);
    },
  });
  if (outcome.ending === 'exited' && outcome.exitCode === 0) return { sandbox };
  const reason = (outcome.error ?? stderr.join('').trim()) || `exit code ${outcome.exitCode}`;
  return {
    sandbox: createNoSandbox(),
    notice:
      `bubblewrap (${bwrapPath}) cannot create a sandbox here (${reason}): steps run without a sandbox; ` +
      'allow unprivileged user namespaces or run with the capabilities bwrap needs to isolate them',
  };
}
