// The HTTP target of the load benches: a node:http server in its own process (so no load generator
// or router shares its event loop) answering 200 "ok", after delayMs when > 0.
import { spawn } from 'node:child_process';

const TARGET_SOURCE = `
const http = require('node:http');
const delayMs = Number(process.argv[1]);
const server = http.createServer((req, res) => {
  if (delayMs > 0) setTimeout(() => res.end('ok'), delayMs); else res.end('ok');
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

/**
 * Resolves once the target listens: {child, port, url}; stop it with child.kill('SIGTERM'). With
 * `cpu`, it runs pinned to that CPU (taskset execs node, so the child is the target itself).
 */
export function startHttpTarget(delayMs = 0, cpu = undefined) {
  const argv = [process.execPath, '-e', TARGET_SOURCE, String(delayMs)];
  const [file, ...args] = cpu === undefined ? argv : ['taskset', '-c', String(cpu), ...argv];
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`target exited early with ${code}`)));
    child.stdout.setEncoding('utf8').once('data', (text) => {
      const port = Number(text.trim());
      resolve({ child, port, url: `http://127.0.0.1:${port}/` });
    });
  });
}
