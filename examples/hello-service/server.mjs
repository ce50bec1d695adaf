// The demo's service: answers its version, /healthz for the readiness probe, and — with FAULT_RATE
// (a fraction, e.g. 0.05) — fails that share of requests with 500, the injected fault of the demo.
// The failures are spread evenly (every 20th request at 0.05) instead of drawn at random, so every
// canary window of a few seconds carries the fault and the demo behaves the same on every run.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The release's VERSION file (written by the commit), else the VERSION variable, else "dev". */
export function readVersion(env = process.env) {
  try {
    return readFileSync(fileURLToPath(new URL('./VERSION', import.meta.url)), 'utf8').trim() || 'dev';
  } catch {
    return env.VERSION || 'dev';
  }
}

export function createHelloServer({ version, faultRate = 0 }) {
  if (!(faultRate >= 0 && faultRate <= 1)) throw new Error(`FAULT_RATE must be a fraction between 0 and 1, got ${faultRate}`);
  let owed = 0;
  return createServer((req, res) => {
    if (req.url === '/healthz') {
      res.end('ok\n');
      return;
    }
    owed += faultRate;
    if (owed >= 1) {
      owed -= 1;
      res.statusCode = 500;
      res.end(`hello ${version}: injected fault\n`);
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(`${JSON.stringify({ service: 'hello', version })}\n`);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = createHelloServer({ version: readVersion(), faultRate: Number(process.env.FAULT_RATE ?? 0) });
  server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
