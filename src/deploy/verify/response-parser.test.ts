import { expect, it } from 'vitest';
import { createResponseParser, MAX_HEAD_BYTES, type ParseOutcome } from './response-parser.js';

/**
 * Feeds `text` cut into pieces of `size` bytes and returns the first outcome that is not
 * `incomplete` (bytes left after a complete response are fed on, to show they are refused), else
 * end()'s outcome if asked.
 */
function parse(text: string, size = Number.POSITIVE_INFINITY, { noBody = false, end = false } = {}): ParseOutcome {
  const parser = createResponseParser();
  parser.reset(noBody);
  const bytes = Buffer.from(text, 'latin1');
  let outcome: ParseOutcome = { kind: 'incomplete' };
  for (let at = 0; at < bytes.length && outcome.kind === 'incomplete'; at += size) {
    const next = Math.min(bytes.length, at + size);
    outcome = parser.push(bytes.subarray(at, next));
    if (outcome.kind === 'complete' && next < bytes.length) return parser.push(bytes.subarray(next));
  }
  return end && outcome.kind === 'incomplete' ? parser.end() : outcome;
}

const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext="a;b"\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Checksum: 1\r\n\r\n';

it.each([1, 2, 3, 7, 1000])('completes a chunked body with extensions and trailers fed %i bytes at a time', (size) => {
  expect(parse(chunked, size)).toEqual({ kind: 'complete', status: 200, keepAlive: true });
});

it.each([1, 5, 1000])('completes a Content-Length body fed %i bytes at a time, not a byte early', (size) => {
  const text = 'HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\n\r\nhello world!';
  expect(parse(text, size)).toEqual({ kind: 'complete', status: 404, keepAlive: true });
  expect(parse(text.slice(0, -1), size)).toEqual({ kind: 'incomplete' });
});

it('reads Connection and the HTTP version into keepAlive', () => {
  expect(parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')).toMatchObject({ keepAlive: false });
  expect(parse('HTTP/1.1 200 OK\r\nCONNECTION: Upgrade, Close\r\nContent-Length: 0\r\n\r\n')).toMatchObject({ keepAlive: false });
  expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')).toMatchObject({ keepAlive: false });
  expect(parse('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n')).toMatchObject({ keepAlive: true });
});

it('has no body for HEAD, 204 and 304, whatever Content-Length says', () => {
  expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', 1000, { noBody: true })).toMatchObject({ kind: 'complete', status: 200 });
  expect(parse('HTTP/1.1 204 No Content\r\n\r\n')).toMatchObject({ kind: 'complete', status: 204 });
  expect(parse('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n')).toMatchObject({ kind: 'complete', status: 304 });
});

it('skips interim 1xx responses', () => {
  const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
  expect(parse(text)).toEqual({ kind: 'complete', status: 200, keepAlive: true });
  expect(parse(text, 3)).toEqual({ kind: 'complete', status: 200, keepAlive: true });
});

it('runs a body without length to the close, and then never reuses the connection', () => {
  expect(parse('HTTP/1.1 200 OK\r\n\r\nsome body')).toEqual({ kind: 'incomplete' });
  expect(parse('HTTP/1.1 200 OK\r\n\r\nsome body', 4, { end: true })).toEqual({ kind: 'complete', status: 200, keepAlive: false });
});

it.each([
  ['a close mid-body', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', 'connection closed mid-response'],
  ['a close mid-chunk', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab', 'connection closed mid-response'],
  ['a close before any byte', '', 'connection closed before any response'],
])('reports %s on end()', (_what, text, message) => {
  expect(parse(text, 1000, { end: true })).toEqual({ kind: 'error', message });
});

it.each([
  ['a status line that is not HTTP/1.x', 'HTTP/2 200\r\n\r\n', /not an HTTP\/1.x status line/],
  ['a bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /bad Content-Length/],
  ['conflicting Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', /bad Content-Length/],
  ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /bad chunk size line/],
  ['chunk data longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n', /longer than its size/],
  ['bytes after the response', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA', /5 unexpected bytes|no request in flight/],
  ['101 Switching Protocols', 'HTTP/1.1 101 Switching Protocols\r\n\r\n', /not supported/],
])('reports %s as an error', (_what, text, message) => {
  for (const size of [1, 1000]) {
    const outcome = parse(text, size);
    expect(outcome.kind).toBe('error');
    if (outcome.kind === 'error') expect(outcome.message).toMatch(message);
  }
});

it('refuses a head larger than MAX_HEAD_BYTES instead of buffering it', () => {
  const text = `HTTP/1.1 200 OK\r\nX-Big: ${'x'.repeat(MAX_HEAD_BYTES)}`;
  expect(parse(text, 4096)).toMatchObject({ kind: 'error', message: expect.stringMatching(/larger than/) });
});

it('is reusable: reset starts a new response', () => {
  const parser = createResponseParser();
  for (const status of [200, 500, 201]) {
    parser.reset(false);
    expect(parser.started()).toBe(false);
    expect(parser.push(Buffer.from(`HTTP/1.1 ${status} X\r\nContent-Length: 1\r\n\r\n.`))).toMatchObject({ kind: 'complete', status });
    expect(parser.started()).toBe(true);
  }
  expect(parser.push(Buffer.from('stray'))).toMatchObject({ kind: 'error' });
});
