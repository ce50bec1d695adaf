/** bench/RESULTS.md is shared by every benchmark and by other writers: only ever append. */
import { appendFileSync, writeFileSync } from 'node:fs';

export function appendResultLine(file, line) {
  try {
    // 'wx' fails if the file exists, so a concurrent writer's header or lines are never replaced.
    writeFileSync(file, '# Benchmark results\n\n', { flag: 'wx' });
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  appendFileSync(file, `${line}\n`);
}
