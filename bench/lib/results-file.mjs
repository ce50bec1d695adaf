/** bench/RESULTS.md is shared by every benchmark and by other writers: only ever append. */
import { appendFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

export function appendResultLine(file, line) {
  try {
    // 'wx' fails if the file exists, so a concurrent writer's header or lines are never replaced.
    writeFileSync(file, '# Benchmark results\n\n', { flag: 'wx' });
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  appendFileSync(file, `${line}\n`);
}

/** What every result carries about the machine it ran on: load average (before/after), Node, cores. */
export function machineFacts(load) {
  return { loadavg: load, node: process.version, cpus: cpus().length };
}

/** Prints the result as one JSON line and, unless record is false, appends it dated to bench/RESULTS.md. */
export function reportResult(result, { record = true } = {}) {
  console.log(JSON.stringify(result));
  if (record) appendResultLine(fileURLToPath(new URL('../RESULTS.md', import.meta.url)), `- ${new Date().toISOString()} ${result.bench}: ${JSON.stringify(result)}`);
}
