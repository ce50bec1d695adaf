/**
 * A lean HTTP/1.1 keep-alive client on one node:net socket, one request at a time: write the
 * request's prebuilt bytes, parse the response just enough to know where it ends, reconnect when
 * the server closed the connection. It exists because node:http's per-request machinery (agent,
 * ClientRequest, IncomingMessage streams, header objects) capped the load generator at about half
 * of `hey`'s req/s on one core and added event-loop lag to every latency; with this client the
 * generator is no longer the bottleneck of a verification against a fast target. Plain http:// only.
 *
 * Failures are results: no whole response within `timeoutMs` → timeout (the connection is dropped,
 * so a late answer cannot be taken for the next request's); refused, reset, closed mid-response or
 * unparseable → connection error with its code. A request sent on a reused connection that the
 * server had already closed (the keep-alive race) is sent once more on a new connection, as Go's
 * net/http (and so `hey`) does, when no byte of a response had arrived.
 */
import { connect, type Socket } from 'node:net';
import type { RequestResult } from './request-result.js';
import { createResponseParser } from './response-parser.js';

export interface Http1ConnectionOptions {
  host: string;
  port: number;
  /** Per request, from sending (connecting first if needed) to the last byte of the body (ms). */
  timeoutMs: number;
  /** Monotonic ms. */
  nowMs: () => number;
}

export interface Http1Connection {
  /** One request at a time: call again only once the previous promise resolved. Never rejects. */
  send(request: Buffer, noBody: boolean): Promise<RequestResult>;
  /** Drops the socket; a request still in flight ends as a connection error `ECANCELED`. */
  close(): void;
  /** TCP connections opened so far. */
  connects(): number;
}

/** A parse failure's code, in the style of the errno codes of the other connection errors. */
export const PROTOCOL_ERROR_CODE = 'EPROTO';
/** The code of a connection the peer closed before the response was whole, as node:http names it. */
export const CLOSED_CODE = 'ECONNRESET';

interface InFlight {
  resolve: (result: RequestResult) => void;
  startMs: number;
  request: Buffer;
  noBody: boolean;
  /** Sent on a connection that had already carried a response. */
  reused: boolean;
  retried: boolean;
}

export function createHttp1Connection(o: Http1ConnectionOptions): Http1Connection {
  // net.connect wants a bare IPv6 address; URL.hostname keeps the brackets.
  const host = o.host.startsWith('[') ? o.host.slice(1, -1) : o.host;
  const parser = createResponseParser();
  let socket: Socket | undefined;
  let socketError: string | undefined;
  let current: InFlight | undefined;
  let timer: NodeJS.Timeout | undefined;
  let armedMs = 0;
  let connects = 0;

  function open(): Socket {
    const s = connect({ host, port: o.port, noDelay: true });
    socketError = undefined;
    connects += 1;
    s.on('data', (chunk: Buffer) => {
      if (s === socket) onData(chunk);
    });
    s.on('end', () => {
      if (s === socket) onEnd();
    });
    s.on('error', (error: NodeJS.ErrnoException) => {
      if (s === socket) socketError = error.code ?? error.message;
    });
    s.on('close', () => {
      if (s === socket) onClose();
    });
    return s;
  }

  function drop(): void {
    const s = socket;
    socket = undefined;
    s?.destroy();
  }

  function finish(result: RequestResult): void {
    const request = current;
    current = undefined;
    // Resolved at once, so the worker writes its next request before other sockets readable in the
    // same poll are read. Deferring those writes to one setImmediate per burst made each latency
    // exclude other requests' writes, but left workers idle between requests: at delay 0, -c 50
    // held only ~40 requests in flight (req/s × mean latency), against ~49 this way and for `hey`.
    request?.resolve(result);
  }

  function transmit(request: InFlight): void {
    request.reused = socket !== undefined;
    parser.reset(request.noBody);
    socket ??= open();
    socket.write(request.request);
  }

  function onData(chunk: Buffer): void {
    // Before parsing: a response ends when its last bytes reached us, not when we got round to them.
    const arrivedMs = o.nowMs();
    if (current === undefined) {
      // Bytes nobody asked for (a 408 before an idle close, say): this connection is out of step.
      drop();
      return;
    }
    const outcome = parser.push(chunk);
    if (outcome.kind === 'incomplete') return;
    const latencyMs = arrivedMs - current.startMs;
    if (outcome.kind === 'complete') {
      if (!outcome.keepAlive) drop();
      finish({ kind: 'response', status: outcome.status, latencyMs });
    } else {
      drop();
      finish({ kind: 'connection', code: PROTOCOL_ERROR_CODE, latencyMs });
    }
  }

  function onEnd(): void {
    if (current === undefined) {
      // An idle keep-alive connection the server ended: do not write the next request into it.
      drop();
      return;
    }
    const outcome = parser.end();
    // Anything but a body delimited by the close is settled by onClose (it may retry).
    if (outcome.kind !== 'complete') return;
    drop();
    finish({ kind: 'response', status: outcome.status, latencyMs: o.nowMs() - current.startMs });
  }

  function onClose(): void {
    socket = undefined;
    const request = current;
    if (request === undefined) return;
    if (request.reused && !request.retried && !parser.started()) {
      request.retried = true;
      transmit(request);
      return;
    }
    finish({ kind: 'connection', code: socketError ?? CLOSED_CODE, latencyMs: o.nowMs() - request.startMs });
  }

  function onTimeout(): void {
    const request = current;
    if (request === undefined) return;
    // Timers run on the loop's cached clock and may fire a little early by the monotonic one.
    const leftMs = request.startMs + o.timeoutMs - o.nowMs();
    if (leftMs > 0) {
      arm(Math.ceil(leftMs));
      return;
    }
    drop();
    finish({ kind: 'timeout', latencyMs: o.nowMs() - request.startMs });
  }

  /** One timer per connection, re-armed per request: refresh() is cheaper than a new timer each time. */
  function arm(ms: number): void {
    if (timer !== undefined && armedMs === ms) {
      timer.refresh();
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(onTimeout, ms);
    armedMs = ms;
  }

  return {
    send(request, noBody) {
      return new Promise<RequestResult>((resolve) => {
        const inFlight: InFlight = { resolve, startMs: o.nowMs(), request, noBody, reused: false, retried: false };
        current = inFlight;
        arm(o.timeoutMs);
        transmit(inFlight);
      });
    },
    close() {
      clearTimeout(timer);
      timer = undefined;
      drop();
      if (current !== undefined) finish({ kind: 'connection', code: 'ECANCELED', latencyMs: o.nowMs() - current.startMs });
    },
    connects: () => connects,
  };
}
