/**
 * The lean client against real sockets: scripted TCP servers for the byte-level cases and a real
 * node:http server for chunked bodies written over time. Timeouts are short; nothing sleeps to wait.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { buildRequestBytes } from './build-request-bytes.js';
import { createHttp1Connection, type Http1Connection } from './http1-connection.js';
import { findClosedPort } from './test-support/start-target-server.js';
import { type RawRequest, type RawServer, startRawServer } from './test-support/start-raw-server.js';

const nowMs = () => performance.now();
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function raw(answer: (request: RawRequest) => void): Promise<RawServer> {
  const server = await startRawServer(answer);
  cleanups.push(() => server.close());
  return server;
}

function connectTo(server: { host: string; port: number }, timeoutMs = 2000): Http1Connection {
  const connection = createHttp1Connection({ host: server.host, port: server.port, timeoutMs, nowMs });
  cleanups.push(() => connection.close());
  return connection;
}

const get = (path = '/', method = 'GET') => buildRequestBytes({ method, url: new URL(`http://127.0.0.1${path}`), headers: {}, body: undefined });
const ok = (body = 'ok', extra = '') => `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

it('keeps the connection alive: many requests, one TCP connection', async () => {
  const server = await raw(({ socket, indexOnConnection }) => socket.write(ok(`n${indexOnConnection}`)));
  const connection = connectTo(server);
  for (let i = 0; i < 5; i++) {
    const result = await connection.send(get(), false);
    expect(result).toMatchObject({ kind: 'response', status: 200 });
    expect(result.latencyMs).toBeGreaterThan(0);
  }
  expect(server.connections()).toBe(1);
  expect(connection.connects()).toBe(1);
  expect(server.heads[0]).toBe('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slipway-loadtest');
});

it('reads a chunked body written over time by node:http, timing it to the last chunk', async () => {
  const server: Server = createServer((_req, res) => {
    res.statusCode = 201;
    res.write('first chunk;');
    setTimeout(() => res.write(Buffer.alloc(70_000, 'x')), 10);
    setTimeout(() => res.end('last'), 40);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)), () => server.closeAllConnections());
  const connection = connectTo({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
  const first = await connection.send(get(), false);
  expect(first).toMatchObject({ kind: 'response', status: 201 });
  expect(first.latencyMs).toBeGreaterThanOrEqual(39);
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'response', status: 201 });
  expect(connection.connects()).toBe(1);
});

it('reads chunked bodies with extensions and trailers, split at awkward places', async () => {
  const response = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;name=value\r\nabcd\r\n0\r\nX-Trailer: t\r\n\r\n';
  const server = await raw(({ socket }) => {
    // One byte per write, with Nagle off on this side too, so the client sees many small reads.
    socket.setNoDelay(true);
    for (const byte of response) socket.write(byte);
  });
  const connection = connectTo(server);
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'response', status: 200 });
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'response', status: 200 });
  expect(server.connections()).toBe(1);
});

it('honours Connection: close by opening a new connection for the next request', async () => {
  const server = await raw(({ socket }) => socket.end(ok('bye', 'Connection: close\r\n')));
  const connection = connectTo(server);
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'response', status: 200 });
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'response', status: 200 });
  expect(server.connections()).toBe(2);
});

it('takes a body without length as running to the close (HTTP/1.0 style)', async () => {
  const server = await raw(({ socket }) => {
    socket.write('HTTP/1.0 200 OK\r\n\r\npart one, ');
    setTimeout(() => socket.end('part two'), 20);
  });
  const connection = connectTo(server);
  const result = await connection.send(get(), false);
  expect(result).toMatchObject({ kind: 'response', status: 200 });
  expect(result.latencyMs).toBeGreaterThanOrEqual(19);
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'response', status: 200 });
  expect(server.connections()).toBe(2);
});

it('does not wait for a body after HEAD, nor after 204, and skips a 100 Continue', async () => {
  const server = await raw(({ socket, head }) => {
    if (head.startsWith('HEAD')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
    else if (head.startsWith('DELETE')) socket.write('HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n');
    else socket.write(`HTTP/1.1 100 Continue\r\n\r\n${ok('after continue')}`);
  });
  const connection = connectTo(server, 500);
  expect(await connection.send(get('/', 'HEAD'), true)).toMatchObject({ kind: 'response', status: 200 });
  expect(await connection.send(get('/', 'DELETE'), false)).toMatchObject({ kind: 'response', status: 204 });
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'response', status: 200 });
  expect(server.connections()).toBe(1);
});

it('times out a server that never answers, then recovers on a new connection', async () => {
  const server = await raw(({ socket, connection }) => {
    if (connection > 0) socket.write(ok());
  });
  const connection = connectTo(server, 120);
  const started = performance.now();
  const result = await connection.send(get(), false);
  expect(result.kind).toBe('timeout');
  expect(result.latencyMs).toBeGreaterThanOrEqual(120);
  expect(performance.now() - started).toBeLessThan(1000);
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'response', status: 200 });
  expect(server.connections()).toBe(2);
});

it('times out a body that stalls half way, even though bytes arrived', async () => {
  const server = await raw(({ socket }) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf'));
  const connection = connectTo(server, 100);
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'timeout' });
});

it('reports a refused port as a connection error ECONNREFUSED', async () => {
  const port = await findClosedPort();
  const connection = connectTo({ host: '127.0.0.1', port });
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'connection', code: 'ECONNREFUSED' });
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'connection', code: 'ECONNREFUSED' });
});

it.each([
  ['mid-head', 'HTTP/1.1 200 OK\r\nContent-Le'],
  ['mid-body', 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly some'],
  ['mid-chunk', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc'],
])('reports a server closing %s as a connection error, not as a response', async (_where, partial) => {
  const server = await raw(({ socket }) => socket.end(partial));
  const connection = connectTo(server);
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'connection', code: 'ECONNRESET' });
});

it('reports a reset connection with its code', async () => {
  const server = await raw(({ socket }) => socket.resetAndDestroy());
  const connection = connectTo(server);
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'connection', code: 'ECONNRESET' });
});

it('reports a response that is not HTTP as a protocol error and drops the connection', async () => {
  const server = await raw(({ socket, connection }) => socket.write(connection === 0 ? 'SSH-2.0-OpenSSH\r\n\r\n' : ok()));
  const connection = connectTo(server);
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'connection', code: 'EPROTO' });
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'response', status: 200 });
});

it('resends once on a new connection when a kept-alive one turns out closed (keep-alive race)', async () => {
  // The second request on every connection finds it closed without a byte of response.
  const server = await raw(({ socket, indexOnConnection }) => {
    if (indexOnConnection === 0) socket.write(ok());
    else socket.destroy();
  });
  const connection = connectTo(server);
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'response', status: 200 });
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'response', status: 200 });
  expect(server.connections()).toBe(2);
  expect(server.heads).toHaveLength(3);
});

it('does not resend a request that failed on a fresh connection', async () => {
  const server = await raw(({ socket }) => socket.destroy());
  const connection = connectTo(server);
  expect(await connection.send(get(), false)).toMatchObject({ kind: 'connection', code: 'ECONNRESET' });
  expect(server.heads).toHaveLength(1);
});
