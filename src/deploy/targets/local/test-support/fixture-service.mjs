// A tiny service for local target tests; its behaviour is chosen by env (see target.test.ts).
// /ready: 503 until READY_AFTER_MS passed and between READY_DOWN_FROM_MS and READY_DOWN_UNTIL_MS; /live: 500 when this run fails liveness; else 200.
// FAIL_REQUESTS=1: every other path answers 500 (a release that is up and ready but broken, for canary analysis).
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const env = process.env;
const startedAt = Date.now();

if (env.EXIT_AT_ONCE) {
  process.stderr.write(`starting ${env.VERSION}\n`);
  process.stderr.write(`fatal: missing config (token ${env.API_TOKEN})\n`);
  process.exit(Number(env.EXIT_AT_ONCE));
}

/** True the first time in a test (creates the marker), false on every restart after it. */
function firstRun(marker) {
  if (!marker || existsSync(marker)) return false;
  writeFileSync(marker, String(process.pid));
  return true;
}
const crashThisRun = firstRun(env.CRASH_ONCE_FILE);
const failLivenessThisRun = firstRun(env.LIVE_FAIL_ONCE_FILE);

if (env.IGNORE_SIGTERM) process.on('SIGTERM', () => {});
if (env.GRANDCHILD_PID_FILE) {
  // Same process group, not detached: the target must reach it through the group.
  const grandchild = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], {
    stdio: 'ignore',
  });
  writeFileSync(env.GRANDCHILD_PID_FILE, String(grandchild.pid));
}

const server = createServer((req, res) => {
  const age = Date.now() - startedAt;
  const readyDown = age >= Number(env.READY_DOWN_FROM_MS ?? Number.POSITIVE_INFINITY) && age < Number(env.READY_DOWN_UNTIL_MS ?? 0);
  if (req.url === '/ready' && (age < Number(env.READY_AFTER_MS ?? 0) || readyDown)) {
    res.statusCode = 503;
  } else if (req.url === '/live' && failLivenessThisRun) {
    res.statusCode = 500;
  } else if (env.FAIL_REQUESTS && req.url !== '/ready' && req.url !== '/live') {
    res.statusCode = 500;
  }
  res.end(`${env.VERSION} ${req.url}`);
});
server.listen(Number(env.BIND_PORT ?? env.PORT), env.HOST ?? '127.0.0.1', () => {
  if (crashThisRun) setTimeout(() => process.exit(3), Number(env.CRASH_AFTER_MS ?? 800));
});
if (!env.IGNORE_SIGTERM) {
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
