import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { createOutboundGuard } from '../outbound/guard-outbound.js';
import { type GitRemoteCalls, isTransientGitFailure } from './git-remote-calls.js';
import { refreshMirror } from './open-mirror.js';

/** A git daemon address whose every connection is reset at once: a remote that is down. */
let server: Server;
let connections = 0;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-git-remote-'));
  server = createServer((socket) => {
    connections += 1;
    socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

it('retries a reset connection with backoff, then opens the breaker: later calls fail at once without connecting', async () => {
  const clock = createManualClock(Date.parse('2026-11-22T09:00:00Z'));
  const waits: number[] = [];
  const calls: GitRemoteCalls = {
    guard: createOutboundGuard('the git remote', clock, { failureThreshold: 2, coolDownMs: 30_000 }),
    retry: { attempts: 3, baseDelayMs: 100, sleep: async (ms) => void waits.push(ms) },
  };
  const repoUrl = `git://127.0.0.1:${(server.address() as { port: number }).port}/down.git`;
  const refresh = () => refreshMirror({ repoUrl, cacheDir: dir, remoteCalls: calls });

  await expect(refresh()).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/cannot clone .*Connection reset/) });
  expect(connections).toBe(3);
  // 100 ms then 200 ms, each with up to 25 % jitter.
  expect(waits).toHaveLength(2);
  expect(waits[0]).toBeGreaterThanOrEqual(100);
  expect(waits[0]).toBeLessThanOrEqual(125);
  expect(waits[1]).toBeGreaterThanOrEqual(200);
  expect(waits[1]).toBeLessThanOrEqual(250);

  await expect(refresh()).rejects.toMatchObject({ code: 'unavailable' });
  expect(connections).toBe(6);
  // Two failed calls in a row: the breaker is open, and the next call does not even connect.
  await expect(refresh()).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/failed 2 times in a row: not tried again for 30 s \(circuit breaker\)/) });
  expect(connections).toBe(6);
  // After the cool-down one probe goes out again.
  clock.advance(30_000);
  await expect(refresh()).rejects.toMatchObject({ code: 'unavailable' });
  expect(connections).toBeGreaterThan(6);
});

it('does not retry a definite answer or a timeout', () => {
  const unavailable = (stderr: string) => new AppError(ErrorCode.unavailable, 'cannot fetch', { details: { stderr } });
  expect(isTransientGitFailure(unavailable("fatal: '/x.git' does not appear to be a git repository\nfatal: Could not read from remote repository."))).toBe(false);
  expect(isTransientGitFailure(unavailable('fatal: Authentication failed'))).toBe(false);
  expect(isTransientGitFailure(unavailable("fatal: unable to access 'https://h/x.git/': The requested URL returned error: 503"))).toBe(true);
  expect(isTransientGitFailure(unavailable('fatal: read error: Connection reset by peer'))).toBe(true);
});
