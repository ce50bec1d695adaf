// A process holding many SSE log subscribers for bench/sse-subscribers.mjs, started with
// child_process.fork (advanced serialization) so their parsing does not run on the server's event loop
// and their memory is not counted in the server's RSS:
//   fork(this, [URL, JOB_ID, COUNT, LINES, DEADLINE_MS])
// Sends {type: 'connected', opened, failed, errors} once every subscriber got its 200 headers (or
// failed), then {type: 'done', latencies: Float64Array, lost, duplicated, offsetGaps, ended, failed,
// errors, firstLineMs} once every stream ended, failed or DEADLINE_MS passed. Lines look like `seq=<i> t=<ns>`
// (the step's `date +%s%N`); a line's latency is the wall time its chunk was read here minus t.
import { request } from 'node:http';

const [url, jobIdText, countText, linesText, deadlineText] = process.argv.slice(2);
const jobId = Number(jobIdText);
const count = Number(countText);
const lines = Number(linesText);
const target = new URL(url);
const nowMs = () => performance.timeOrigin + performance.now();

// One array for every subscriber's samples: at most `lines` per subscriber when none is duplicated.
let latencies = new Float64Array(count * lines);
let sampleCount = 0;
let firstLineMs = Number.POSITIVE_INFINITY;
const addSample = (value) => {
  if (sampleCount === latencies.length) {
    const grown = new Float64Array(latencies.length * 2);
    grown.set(latencies);
    latencies = grown;
  }
  latencies[sampleCount++] = value;
};

const errors = new Map();
const noteError = (message) => errors.set(message, (errors.get(message) ?? 0) + 1);
let opened = 0;
let failed = 0;
let settled = 0;
let connectedSent = false;
const subscribers = [];

function maybeConnected() {
  if (connectedSent || opened + failed < count) return;
  connectedSent = true;
  process.send({ type: 'connected', opened, failed, errors: Object.fromEntries(errors) });
}

function subscribe() {
  const state = { opened: false, seen: new Uint8Array(lines), expectedOffset: 0, gaps: 0, ended: false, buffered: '', partial: '', req: undefined };
  subscribers.push(state);
  let done = false;
  const finish = (error) => {
    if (done) return;
    done = true;
    if (error) noteError(error);
    settled += 1;
    if (settled === count) report();
  };
  const headers = { authorization: `Bearer ${process.env.SLIPWAY_TOKEN}` };
  state.req = request({ host: target.hostname, port: target.port, path: `/api/v1/jobs/${jobId}/logs`, headers, agent: false }, (res) => {
    if (res.statusCode !== 200) {
      failed += 1;
      maybeConnected();
      res.resume();
      finish(`status ${res.statusCode}`);
      return;
    }
    opened += 1;
    state.opened = true;
    maybeConnected();
    res.setEncoding('utf8');
    res.on('data', (text) => readEvents(state, text, nowMs()));
    res.on('end', () => finish(state.ended ? undefined : 'stream ended without an end event'));
    res.on('error', (error) => finish(error.code ?? String(error)));
  });
  state.req.on('error', (error) => {
    if (!state.req.res) {
      failed += 1;
      maybeConnected();
    }
    finish(error.code ?? String(error));
  });
  state.req.end();
}

// Events are split on the blank line only; the server writes `event:`, `id:`, `data:` in that order,
// one line each, so no general SSE parser is needed (and 1,000 of them would cost this process).
function readEvents(state, text, receivedMs) {
  state.buffered += text;
  let end = state.buffered.indexOf('\n\n');
  while (end !== -1) {
    const block = state.buffered.slice(0, end);
    state.buffered = state.buffered.slice(end + 2);
    if (block.startsWith('event: chunk\n')) {
      const data = JSON.parse(block.slice(block.indexOf('\ndata: ') + 7));
      const idLine = block.indexOf('\nid: ');
      const nextOffset = Number(block.slice(idLine + 5, block.indexOf('\n', idLine + 1)));
      if (data.offset !== state.expectedOffset) state.gaps += 1;
      state.expectedOffset = nextOffset;
      readLines(state, data.text, receivedMs);
    } else if (block.startsWith('event: end\n')) {
      state.ended = true;
      if (JSON.parse(block.slice(block.indexOf('\ndata: ') + 7)).length !== state.expectedOffset) state.gaps += 1;
    } else if (block.startsWith('event: error\n')) {
      noteError(`log stream error: ${block}`);
    }
    end = state.buffered.indexOf('\n\n');
  }
}

function readLines(state, text, receivedMs) {
  const all = (state.partial + text).split('\n');
  state.partial = all.pop();
  for (const line of all) {
    const match = /^seq=(\d+) t=(\d+)/.exec(line);
    if (!match) continue;
    const seq = Number(match[1]);
    if (seq < lines && state.seen[seq] < 255) state.seen[seq] += 1;
    // ns → ms as a Number keeps µs precision: epoch ms fits a double's 53 bits with room to spare.
    const printedMs = Number(match[2]) / 1e6;
    if (printedMs < firstLineMs) firstLineMs = printedMs;
    addSample(receivedMs - printedMs);
  }
}

let reported = false;
function report() {
  if (reported) return;
  reported = true;
  let lost = 0;
  let duplicated = 0;
  let offsetGaps = 0;
  let ended = 0;
  for (const state of subscribers) {
    state.req.destroy();
    // A failed connection is counted as failed, not as its lines lost.
    if (!state.opened) continue;
    if (state.ended) ended += 1;
    offsetGaps += state.gaps;
    for (let seq = 0; seq < lines; seq++) {
      if (state.seen[seq] === 0) lost += 1;
      else duplicated += state.seen[seq] - 1;
    }
  }
  const message = {
    type: 'done',
    latencies: latencies.slice(0, sampleCount),
    lost,
    duplicated,
    offsetGaps,
    ended,
    firstLineMs,
    opened,
    failed,
    errors: Object.fromEntries(errors),
  };
  process.send(message, () => process.exit(0));
}

setTimeout(() => {
  noteError(`deadline of ${deadlineText} ms passed`);
  maybeConnected();
  report();
}, Number(deadlineText)).unref();
// Opened in batches: a thousand SYNs at once can overflow the listen backlog (511) and cost a
// one-second SYN retry, which would be the bench's connect time, not the server's.
const OPEN_BATCH = 50;
let started = 0;
const opener = setInterval(() => {
  for (let i = 0; i < OPEN_BATCH && started < count; i++, started++) subscribe();
  if (started === count) clearInterval(opener);
}, 10);
