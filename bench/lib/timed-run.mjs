/** Runs one child process to completion and measures its wall clock. */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const DEFAULT_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * @returns {Promise<{exitCode: number|null, signal: string|null, wallMs: number, stdout: string, stderr: string}>}
 *   never rejects for a failing command: the caller judges exitCode
 */
export function timedRun(command, args, { cwd, env, timeoutMs = DEFAULT_TIMEOUT_MS }) {
  return new Promise((resolve, reject) => {
    const stdout = [];
    const stderr = [];
    const startedMs = performance.now();
    // stdin ignored: a tool that would prompt (telemetry, cloud opt-in) must not hang the bench.
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      const wallMs = performance.now() - startedMs;
      clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        wallMs,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function tail(text, maxChars = 2000) {
  return text.length > maxChars ? `…${text.slice(-maxChars)}` : text;
}
