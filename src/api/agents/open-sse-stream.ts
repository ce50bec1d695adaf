import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

export interface SseStream {
  /** Writes one event; false when the client is gone. */
  send(event: string, data: unknown): boolean;
  /** Resolves when the client disconnects or end() is called. */
  readonly closed: Promise<void>;
  end(): void;
}

/** Takes the response over from Fastify and starts an event stream with a keep-alive comment. */
export function openSseStream(reply: FastifyReply, heartbeatMs = 15_000): SseStream {
  reply.hijack();
  const res: ServerResponse = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
  heartbeat.unref();
  const closed = new Promise<void>((resolve) => {
    res.once('close', () => {
      clearInterval(heartbeat);
      resolve();
    });
  });
  return {
    send: (event, data) => {
      if (res.destroyed || res.writableEnded) return false;
      return res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`) || !res.destroyed;
    },
    closed,
    end: () => {
      clearInterval(heartbeat);
      if (!res.writableEnded) res.end();
    },
  };
}
