// The service's own test (the pipeline's `test` job): version, health, and the fault injection's
// arithmetic. The fault is configuration (service.yml), so this passes for every demo version.
import assert from 'node:assert/strict';
import { createHelloServer, readVersion } from './server.mjs';

const version = readVersion();
const server = createHelloServer({ version, faultRate: 0.05 });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
try {
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  const statuses = [];
  for (let i = 0; i < 100; i += 1) {
    const res = await fetch(`${base}/`);
    statuses.push(res.status);
    if (res.status === 200) assert.deepEqual(await res.json(), { service: 'hello', version });
    else await res.text();
  }
  assert.equal(statuses.filter((s) => s === 500).length, 5, 'FAULT_RATE=0.05 fails 5 of 100 requests');
  console.log(`ok: hello ${version} answers its version, /healthz, and FAULT_RATE`);
} finally {
  server.close();
}
