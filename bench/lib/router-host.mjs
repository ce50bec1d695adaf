// Runs one Slipway router in its own process for the router bench, in front of one backend:
//   node bench/lib/router-host.mjs builtin|haproxy BACKEND_PORT
// Prints the router's URL once it routes, and closes it on SIGTERM.
import { createBuiltinRouter, createHaproxyRouter } from '../../dist/deploy/router/index.js';

const [kind, backendPort] = process.argv.slice(2);
const options = { defaultService: 'web' };
const router = kind === 'haproxy' ? await createHaproxyRouter(options) : await createBuiltinRouter(options);
await router.setBackends('web', [{ id: 'web-1', version: 'v1', track: 'stable', host: '127.0.0.1', port: Number(backendPort) }]);
await router.setWeights('web', { v1: 100 });
process.stdout.write(`${router.url}\n`);
process.on('SIGTERM', () => {
  router.close().finally(() => process.exit(0));
});
