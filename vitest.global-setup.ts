import { execFileSync } from 'node:child_process';

/** CLI tests spawn the real `bin/slipway.js`, which runs the compiled dist/: build it once, fresh. */
export default function buildOnce(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
