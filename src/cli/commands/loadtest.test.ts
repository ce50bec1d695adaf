import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCliInProcess as cli } from '../../api/test-support/run-cli-in-process.js';
import { startTargetServer, type TargetServer } from '../../deploy/verify/test-support/start-target-server.js';

let target: TargetServer;
let dir: string;
beforeAll(async () => {
  target = await startTargetServer();
  dir = await mkdtemp(join(tmpdir(), 'slipway-loadtest-'));
});
afterAll(async () => {
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

it('prints the table and exits 0 when every threshold holds', async () => {
  const r = await cli('loadtest', `${target.url}/ok`, '--requests', '50', '-c', '5', '--threshold', 'p99<5s', '--threshold', 'success>=100%');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^load test GET http:\/\/127\.0\.0\.1:\d+\/ok\nclosed model, concurrency 5; 50 requests in /);
  expect(r.out).toContain('  requests    50 done, 50 ok, 0 failed\n');
  expect(r.out).toContain('  ok    p99<5000ms ok: ');
  expect(r.out).toMatch(/passed: all 2 thresholds held\n$/);
});

it('exits 1 when a threshold fails, printing why', async () => {
  const r = await cli('loadtest', target.url, '--path', '/ok', '--path', '/500', '-n', '40', '--threshold', 'success>=99.5%');
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/ {2}http errors [1-9]\d* \(500×\d+\)\n/);
  expect(r.out).toMatch(/ {2}FAIL {2}success>=99\.5% failed: measured \d+(\.\d+)?%\n/);
});

it('prints the JSON report with --json and writes it to --out', async () => {
  const out = join(dir, 'report.json');
  const r = await cli('loadtest', `${target.url}/ok`, '--rate', '200', '--requests', '20', '--timeout', '2s', '--json', '--out', out);
  expect(r.code).toBe(0);
  const report = JSON.parse(r.out);
  expect(report).toMatchObject({ reportVersion: 1, passed: true, load: { model: 'open', rate: 200, requests: 20, timeoutMs: 2000 } });
  expect(report.summary).toMatchObject({ requests: 20, ok: 20, failures: { http: 0, timeouts: 0, connection: 0 } });
  expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(report);
});

it.each([
  [['--threshold', 'p99<<1'], "threshold 'p99<<1': expected <metric><op><value>"],
  [['--duration', 'soon'], "--duration: expected a duration like 500ms, 10s or 2m, got 'soon'"],
  [['--concurrency', 'many'], "--concurrency: expected a number, got 'many'"],
  [['--concurrency', '0'], 'concurrency: must be ≥ 1'],
  [['--ok-status', '200'], '--ok-status: expected a range like 200-399'],
  [['--header', 'nocolon'], "--header: expected 'Name: value'"],
  [['--bogus'], "unknown option '--bogus'"],
])('exits 2 on bad input %j, sending no request', async (args, message) => {
  const before = target.paths.length;
  const r = await cli('loadtest', `${target.url}/ok`, '-n', '5', ...args);
  expect(r.code).toBe(2);
  expect(r.err).toContain(message);
  expect(target.paths.length).toBe(before);
});

it('warms up first and measures only what follows', async () => {
  const before = target.paths.length;
  const r = await cli('loadtest', `${target.url}/ok`, '--warmup', '300ms', '-n', '20', '-c', '2', '--json');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.out);
  expect(report.load.warmupMs).toBe(300);
  expect(report.summary.completed).toBe(20);
  // The target saw the warm-up's requests too.
  expect(target.paths.length - before).toBeGreaterThan(20);
});

it('exits 2 for a URL that is not http://', async () => {
  const r = await cli('loadtest', 'https://127.0.0.1/', '-n', '1');
  expect(r.code).toBe(2);
  expect(r.err).toContain('url: must be an http:// URL');
});
