/**
 * An incremental HTTP/1.1 response parser for the load generator's own client: bytes in, "response
 * complete" out, as little work per response as will still be correct. It only needs the status and
 * whether the connection may be reused, so header values other than Content-Length,
 * Transfer-Encoding and Connection are never decoded, and bodies are counted, not kept.
 *
 * Handled: Content-Length bodies, chunked bodies (extensions and trailers skipped), bodies delimited
 * by the end of the connection, no body (HEAD, 1xx, 204, 304), interim 1xx responses (skipped),
 * HTTP/1.0 (closes unless `Connection: keep-alive`). One request is in flight per connection (no
 * pipelining), so bytes after a complete response are a protocol error.
 */

/** Larger heads are a protocol error rather than unbounded buffering (node:http allows 16 KiB). */
export const MAX_HEAD_BYTES = 64 * 1024;
/** A chunk-size line (hex size plus extensions) or a trailer line longer than this is an error. */
const MAX_LINE_BYTES = 4096;

export type ParseOutcome =
  | { kind: 'incomplete' }
  | { kind: 'complete'; status: number; keepAlive: boolean }
  | { kind: 'error'; message: string };

export interface ResponseParser {
  /** Starts a response: `noBody` for HEAD requests, whose responses have headers only. */
  reset(noBody: boolean): void;
  /** Feeds bytes received; `complete` or `error` at most once per `reset`. */
  push(chunk: Buffer): ParseOutcome;
  /** The peer closed its side: completes a body delimited by the close, else an error. */
  end(): ParseOutcome;
  /** Any byte of the current response seen yet (a request on a reused connection may be retried if not). */
  started(): boolean;
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailer' | 'until-close' | 'done';

const INCOMPLETE: ParseOutcome = { kind: 'incomplete' };
const CRLF_CRLF = Buffer.from('\r\n\r\n', 'latin1');

export function createResponseParser(): ResponseParser {
  let state: State = 'done';
  let noBody = false;
  let sawBytes = false;
  /** Bytes of an unfinished head or line, carried over to the next chunk. */
  let pending: Buffer | undefined;
  let remaining = 0;
  let status = 0;
  let keepAlive = true;

  const error = (message: string): ParseOutcome => {
    state = 'done';
    pending = undefined;
    return { kind: 'error', message };
  };
  const complete = (rest: number): ParseOutcome => {
    state = 'done';
    pending = undefined;
    if (rest > 0) return error(`${rest} unexpected bytes after a complete response`);
    return { kind: 'complete', status, keepAlive };
  };

  /** Reads a head (status line and headers, without the blank line) and sets the body state. */
  function readHead(head: string): ParseOutcome | undefined {
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |\r|$)/.exec(head);
    if (statusLine === null) return error(`not an HTTP/1.x status line: ${JSON.stringify(head.slice(0, 40))}`);
    status = Number(statusLine[2]);
    let contentLength = -1;
    let chunked = false;
    let connection = '';
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      // Only three headers matter; compare names by length first so most lines cost one check.
      const nameLength = colon;
      if (nameLength !== 14 && nameLength !== 17 && nameLength !== 10) continue;
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!/^\d{1,15}$/.test(value) || (contentLength >= 0 && contentLength !== Number(value))) return error(`bad Content-Length: ${value}`);
        contentLength = Number(value);
      } else if (name === 'transfer-encoding') {
        chunked = value.toLowerCase().split(',').pop()?.trim() === 'chunked';
      } else if (name === 'connection') {
        connection = `${connection},${value.toLowerCase()}`;
      }
    }
    const http10 = statusLine[1] === '0';
    const tokens = connection.split(',').map((t) => t.trim());
    keepAlive = http10 ? tokens.includes('keep-alive') : !tokens.includes('close');
    if (status < 200) {
      // Interim (100 Continue, 103 Early Hints): the real response follows on the same connection.
      if (status === 101) return error('101 Switching Protocols is not supported by the load generator');
      state = 'head';
      return undefined;
    }
    if (noBody || status === 204 || status === 304) state = 'done';
    else if (chunked) state = 'chunk-size';
    else if (contentLength >= 0) {
      remaining = contentLength;
      state = remaining === 0 ? 'done' : 'length';
    } else {
      // No length: the body runs to the end of the connection, which therefore cannot be reused.
      keepAlive = false;
      state = 'until-close';
    }
    return undefined;
  }

  /** Consumes a CRLF-terminated line from buf at `at`; undefined (and buffered) when it is incomplete. */
  function takeLine(buf: Buffer, at: number): { line: string; next: number } | undefined | ParseOutcome {
    const lf = buf.indexOf(10, at);
    if (lf < 0) {
      if (buf.length - at > MAX_LINE_BYTES) return error('line too long');
      pending = buf.subarray(at);
      return undefined;
    }
    const end = lf > at && buf[lf - 1] === 13 ? lf - 1 : lf;
    return { line: buf.toString('latin1', at, end), next: lf + 1 };
  }

  function push(chunk: Buffer): ParseOutcome {
    if (chunk.length === 0) return INCOMPLETE;
    sawBytes = true;
    let buf = chunk;
    if (pending !== undefined) {
      buf = Buffer.concat([pending, chunk]);
      pending = undefined;
    }
    let at = 0;
    /** Passes over `remaining` body bytes; false when this buffer ends first (they count down). */
    const skipRemaining = (): boolean => {
      const available = buf.length - at;
      if (available < remaining) {
        remaining -= available;
        return false;
      }
      at += remaining;
      remaining = 0;
      return true;
    };
    for (;;) {
      switch (state) {
        case 'done':
          return error(`${buf.length - at} bytes received with no request in flight`);
        case 'head': {
          // A blank line may start the buffer only as the tail of a previous head: search from `at`.
          const end = buf.indexOf(CRLF_CRLF, at);
          if (end < 0) {
            if (buf.length - at > MAX_HEAD_BYTES) return error(`response head larger than ${MAX_HEAD_BYTES} bytes`);
            pending = buf.subarray(at);
            return INCOMPLETE;
          }
          if (end - at > MAX_HEAD_BYTES) return error(`response head larger than ${MAX_HEAD_BYTES} bytes`);
          const failed = readHead(buf.toString('latin1', at, end));
          if (failed !== undefined) return failed;
          at = end + 4;
          if ((state as State) === 'done') return complete(buf.length - at);
          break;
        }
        case 'length': {
          if (!skipRemaining()) return INCOMPLETE;
          return complete(buf.length - at);
        }
        case 'chunk-size': {
          const taken = takeLine(buf, at);
          if (taken === undefined) return INCOMPLETE;
          if ('kind' in taken) return taken;
          const hex = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(taken.line);
          if (hex === null) return error(`bad chunk size line: ${JSON.stringify(taken.line.slice(0, 40))}`);
          remaining = Number.parseInt(hex[1]!, 16);
          at = taken.next;
          state = remaining === 0 ? 'trailer' : 'chunk-data';
          break;
        }
        case 'chunk-data': {
          if (!skipRemaining()) return INCOMPLETE;
          state = 'chunk-crlf';
          break;
        }
        case 'chunk-crlf': {
          const taken = takeLine(buf, at);
          if (taken === undefined) return INCOMPLETE;
          if ('kind' in taken) return taken;
          if (taken.line !== '') return error('chunk data longer than its size');
          at = taken.next;
          state = 'chunk-size';
          break;
        }
        case 'trailer': {
          const taken = takeLine(buf, at);
          if (taken === undefined) return INCOMPLETE;
          if ('kind' in taken) return taken;
          at = taken.next;
          if (taken.line === '') return complete(buf.length - at);
          break;
        }
        case 'until-close':
          return INCOMPLETE;
      }
    }
  }

  return {
    reset(headOnly) {
      state = 'head';
      noBody = headOnly;
      sawBytes = false;
      pending = undefined;
      remaining = 0;
      status = 0;
      keepAlive = true;
    },
    push,
    end() {
      if (state === 'until-close') return complete(0);
      if (state === 'done') return INCOMPLETE;
      return error(sawBytes ? 'connection closed mid-response' : 'connection closed before any response');
    },
    started: () => sawBytes,
  };
}
