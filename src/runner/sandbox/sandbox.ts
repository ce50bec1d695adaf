import type { ProcessSpec } from '../run-process.js';

/** What a step asks to run; the sandbox decides how it is actually spawned. */
export interface SandboxCommand {
  /** Program and arguments, e.g. `['bash', '-c', script]`. */
  argv: [string, ...string[]];
  /** Absolute; inside `workspaceDir`. */
  cwd: string;
  env: Record<string, string>;
  /** The only directory the command may write to (besides a private /tmp). */
  workspaceDir: string;
  /** false = the command gets no network (loopback only). */
  network: boolean;
}

/**
 * Isolation around one step's processes. `wrap` is pure: spawning, process groups and kills stay
 * in runProcess, so every sandbox gets the same timeout and cancellation behaviour.
 */
export interface Sandbox {
  readonly kind: 'none' | 'bubblewrap';
  wrap(command: SandboxCommand): ProcessSpec;
}
