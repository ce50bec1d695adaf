import { expect, it } from 'vitest';
import { buildRequestBytes } from './build-request-bytes.js';

const text = (spec: Partial<Parameters<typeof buildRequestBytes>[0]>) =>
  buildRequestBytes({ method: 'GET', url: new URL('http://127.0.0.1:8080/a/b?x=1&y=2'), headers: {}, body: undefined, ...spec }).toString('latin1');

it('writes the request line with path and query, Host with the port, and a User-Agent', () => {
  expect(text({})).toBe('GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: slipway-loadtest\r\n\r\n');
});

it('lets given headers replace Host and User-Agent, whatever their case', () => {
  expect(text({ headers: { host: 'example.test', 'USER-AGENT': 'probe/1', 'X-Trace': 'on' } })).toBe(
    'GET /a/b?x=1&y=2 HTTP/1.1\r\nhost: example.test\r\nUSER-AGENT: probe/1\r\nX-Trace: on\r\n\r\n',
  );
});

it('announces the body length in bytes (UTF-8), and Content-Length: 0 for a POST without body', () => {
  expect(text({ method: 'POST', body: 'é!' })).toBe('POST /a/b?x=1&y=2 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: slipway-loadtest\r\nContent-Length: 3\r\n\r\né!'.replace('é', '\u00c3\u00a9'));
  expect(text({ method: 'POST' })).toContain('\r\nContent-Length: 0\r\n\r\n');
  expect(text({ method: 'GET' })).not.toContain('Content-Length');
});

it('refuses header names and values that could split the request', () => {
  expect(() => text({ headers: { 'X-A': 'one\r\nX-Injected: two' } })).toThrow(/not allowed in a header/);
  expect(() => text({ headers: { 'X A': 'v' } })).toThrow(/not allowed in a header/);
});
