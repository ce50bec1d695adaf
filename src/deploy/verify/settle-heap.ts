/**
 * One full garbage collection before a measured run, so the collector does not pick the run to
 * clean up what the process allocated before it. Measured with `slipway loadtest`: the CLI loads
 * ~30 MB of modules, and without this the first 300 ms of the run met two 10–13 ms scavenges and an
 * 11 ms mark-compact; each pause delays every request in flight (50 at -c 50), which alone was
 * enough to add several ms to p99 of a 20,000-request run. `hey` has no such start-up garbage.
 * Costs one collection (~10–20 ms) before the clock starts.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

export function settleHeap(): void {
  if (collect === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed !== undefined) collect = exposed;
    else {
      // --expose-gc only affects contexts created after it is set: a fresh one hands out `gc`.
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  collect();
}
