import type { ServerResponse } from 'node:http';
import { AppError, ErrorCode, isAppError } from '../errors/app-error.js';
import type { Db } from '../store/db.js';
import type { LogEvent, LogHub } from './create-log-hub.js';
import { readLog } from './read-log.js';
import { completeUtf8Length } from './utf8-boundary.js';

/** A Fastify reply (hijacked once the stream starts) or a plain Node response. */
export type SseTarget = ServerResponse | { raw: ServerResponse; hijack(): void };

export interface StreamLogOptions {
  hub: LogHub;
  db: Db;
  jobId: number;
  /** First byte to send: 0, or parseLastEventId(request header) on a reconnect. */
  fromOffset: number;
  /** Aborting ends the stream (server shutdown); a client disconnect ends it too. */
  signal?: AbortSignal;
  /** A comment line this often keeps proxies from closing an idle stream. Default 15 000 ms. */
  heartbeatMs?: number;
}

/**
 * How the stream ended: the log's end was sent; the client went away (or signal aborted); or reading
 * failed after the stream started (an `event: error` was sent; `error` is for the server log).
 */
export type SseOutcome = { outcome: 'end' | 'closed' } | { outcome: 'failed'; error: unknown };

/**
 * Streams a job's log as Server-Sent Events:
 *   event: chunk / id: <byte offset after this text> / data: {"offset": <first byte>, "text": "..."}
 *   event: end / data: {"length": <bytes>}
 * The id is a byte offset, so a reconnect's Last-Event-ID resumes exactly where the client stopped.
 * Text rather than base64: the UI shows text, and base64 costs a third more bytes. A chunk may end
 * inside a multi-byte character; those at most 3 bytes are held back until the next chunk (not hidden
 * in a streaming TextDecoder), so every id sits on a character boundary and resuming never splits one.
 * Fails before writing anything — so the caller can still answer with an error status — when the job
 * does not exist (not_found) or fromOffset is past the stored log (invalid_argument).
 */
export async function streamLogOverSse(target: SseTarget, options: StreamLogOptions): Promise<SseOutcome> {
  await readLog(options.db, { jobId: options.jobId, fromOffset: options.fromOffset, maxBytes: 0 });
  let res: ServerResponse;
  if ('hijack' in target) {
    target.hijack();
    res = target.raw;
  } else {
    res = target;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();

  let gone = res.destroyed;
  let carry = Buffer.alloc(0);
  let carryOffset = options.fromOffset;
  const write = async (text: string): Promise<void> => {
    if (gone || res.write(text)) return;
    // Waiting here makes the hub queue, then drop, live bytes for this client: it re-reads them later.
    await new Promise<void>((resolve) => {
      const settle = () => {
        res.off('drain', settle);
        res.off('close', settle);
        resolve();
      };
      res.on('drain', settle);
      res.on('close', settle);
    });
  };
  const sendText = (offset: number, bytes: Buffer) =>
    write(`event: chunk\nid: ${offset + bytes.length}\ndata: ${JSON.stringify({ offset, text: bytes.toString('utf8') })}\n\n`);

  const onEvent = async (event: LogEvent): Promise<void> => {
    if (event.type === 'chunk') {
      const bytes = carry.length > 0 ? Buffer.concat([carry, event.data]) : event.data;
      const start = event.offset - carry.length;
      const cut = completeUtf8Length(bytes);
      carry = Buffer.from(bytes.subarray(cut));
      carryOffset = start + cut;
      if (cut > 0) await sendText(start, bytes.subarray(0, cut));
      return;
    }
    // Bytes that never became a whole character: sent as they decode (U+FFFD), so the stream ends.
    if (carry.length > 0) await sendText(carryOffset, carry);
    await write(`event: end\ndata: ${JSON.stringify({ length: event.length })}\n\n`);
  };

  const subscription = options.hub.subscribe(options.jobId, options.fromOffset, onEvent);
  const stop = () => {
    gone = true;
    subscription.unsubscribe();
  };
  res.on('close', stop);
  options.signal?.addEventListener('abort', stop);
  if (options.signal?.aborted) stop();
  const heartbeat = setInterval(() => {
    if (!gone) res.write(': heartbeat\n\n');
  }, options.heartbeatMs ?? 15_000);
  try {
    await subscription.done;
    return { outcome: gone ? 'closed' : 'end' };
  } catch (err) {
    if (gone) return { outcome: 'closed' };
    const { code, message } = isAppError(err)
      ? err
      : { code: ErrorCode.internal, message: 'reading the log failed — see the server log' };
    await write(`event: error\ndata: ${JSON.stringify({ code, message })}\n\n`);
    return { outcome: 'failed', error: err };
  } finally {
    clearInterval(heartbeat);
    res.off('close', stop);
    options.signal?.removeEventListener('abort', stop);
    res.end();
  }
}

/** The offset a reconnecting client asks for (its Last-Event-ID header), or `fallback` without one. */
export function parseLastEventId(header: string | string[] | undefined, fallback = 0): number {
  if (header === undefined || header === '') return fallback;
  const value = Array.isArray(header) ? header[0]! : header;
  if (!/^\d{1,15}$/.test(value.trim())) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `Last-Event-ID ${JSON.stringify(value)} is not a log offset: reconnect with an id this server sent, or without one to start over`,
    );
  }
  return Number(value.trim());
}
