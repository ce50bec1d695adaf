import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';

/** One POST an endpoint received: its parsed JSON body and when it arrived (Date.now()). */
export interface ReceivedPost {
  body: { text: string; blocks: unknown[]; event: { kind: string; id: number } & Record<string, unknown> };
  atMs: number;
}

export interface WebhookEndpoint {
  url: string;
  received: ReceivedPost[];
  close(): Promise<void>;
}

/**
 * A real HTTP endpoint on 127.0.0.1. `statuses` are the answers to the first POSTs in order (then 200);
 * `hang` never answers at all (the connection stays open until close()).
 */
export async function startWebhookEndpoint(options: { statuses?: number[]; hang?: boolean } = {}): Promise<WebhookEndpoint> {
  const statuses = [...(options.statuses ?? [])];
  const received: ReceivedPost[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    void readJson(request).then((body) => {
      received.push({ body: body as ReceivedPost['body'], atMs: Date.now() });
      if (options.hang) return;
      const status = statuses.shift() ?? 200;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'temporarily broken');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/hooks/T000/B000/secret`,
    received,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL whose port refuses connections: a port that was just bound and released. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/dead`;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}
