import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RunAgentOptions } from '../agent/index.js';

const slipwayBin = fileURLToPath(new URL('../../bin/slipway.js', import.meta.url));

/**
 * runAgent's contract, as a `slipway agent` child process. `slipway up` runs its local agents this
 * way: a step spawned from the server's own process pays for forking everything it holds (with the
 * embedded PGlite store, ~750 MB: spawn took 6.6 ms p50 instead of 1.1 ms, and dispatch p99 went from
 * 52 to 33 ms with the agent apart), and the agent's work no longer shares the server's event loop.
 * Aborting sends SIGTERM: the agent cancels and reports its jobs, then exits; this resolves then.
 */
export function runAgentProcess(options: RunAgentOptions): Promise<void> {
  const args = [
    slipwayBin,
    'agent',
    '--server',
    options.serverUrl,
    '--name',
    options.name,
    '--labels',
    options.labels.join(','),
    '--capacity',
    String(options.capacity),
    '--work-dir',
    options.workDir,
    ...(options.roles ? ['--roles', options.roles.join(',')] : []),
  ];
  const child = spawn(process.execPath, args, {
    // The token travels in the environment, not on the command line where `ps` shows it.
    // Steps start from PATH and HOME, as with runAgent's in-process default.
    env: { ...(options.env ?? { PATH: process.env['PATH'], HOME: process.env['HOME'] }), SLIPWAY_AGENT_TOKEN: options.token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (line.trim() !== '') options.onNotice?.(line);
    });
  }
  const stop = () => child.kill('SIGTERM');
  options.signal.addEventListener('abort', stop, { once: true });
  if (options.signal.aborted) stop();
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      options.signal.removeEventListener('abort', stop);
      if (options.signal.aborted || code === 0) resolve();
      else reject(new Error(`slipway agent ${options.name} exited with ${signal ?? `code ${code}`}`));
    });
  });
}
