// A load client in its own process that records which version served each request:
//   node bench/lib/version-client.mjs URL HOST RATE MAX_SECONDS
// Open model: requests are started on a fixed schedule (RATE per second, sent in 5 ms ticks), whether
// or not earlier ones have answered, over keep-alive connections (at most 256). Prints one ndjson line
// per finished request: {s: sent ms, d: done ms (epoch, sub-ms), st: status (0 = no HTTP answer),
// v: x-slipway-version, e: error code}. Stops sending on SIGTERM or after MAX_SECONDS, waits for the
// requests in flight, prints {"end": true, "sent": n} and exits.
import { Agent, request } from 'node:http';

const [url, host, rateText, secondsText] = process.argv.slice(2);
const rate = Number(rateText);
const maxMs = Number(secondsText) * 1000;
const target = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const nowMs = () => performance.timeOrigin + performance.now();
const out = [];
let sent = 0;
let inFlight = 0;
let stopping = false;

const flush = () => {
  if (out.length > 0) process.stdout.write(out.splice(0).join(''));
};

function send() {
  const s = nowMs();
  sent += 1;
  inFlight += 1;
  const finish = (record) => {
    inFlight -= 1;
    out.push(`${JSON.stringify({ s, d: nowMs(), ...record })}\n`);
    if (stopping && inFlight === 0) end();
  };
  const req = request({ host: target.hostname, port: target.port, path: '/', agent, timeout: 5_000, headers: { host } }, (res) => {
    res.resume();
    res.on('end', () => finish({ st: res.statusCode, v: res.headers['x-slipway-version'] }));
    res.on('error', (error) => finish({ st: 0, e: error.code ?? String(error) }));
  });
  req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
  req.on('error', (error) => finish({ st: 0, e: error.code ?? String(error) }));
  req.end();
}

const startedMs = nowMs();
const ticker = setInterval(() => {
  const elapsed = nowMs() - startedMs;
  if (elapsed >= maxMs) return stop();
  const due = Math.floor((elapsed / 1000) * rate) + 1;
  while (sent < due) send();
  flush();
}, 5);
const flusher = setInterval(flush, 50);

let ended = false;
function end() {
  if (ended) return;
  ended = true;
  clearInterval(flusher);
  flush();
  process.stdout.write(`${JSON.stringify({ end: true, sent })}\n`, () => process.exit(0));
}
function stop() {
  if (stopping) return;
  stopping = true;
  clearInterval(ticker);
  if (inFlight === 0) end();
  else setTimeout(end, 6_000).unref();
}
process.on('SIGTERM', stop);
