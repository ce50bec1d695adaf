/**
 * A real TCP server on 127.0.0.1:0 that writes whatever bytes a test scripts, for the HTTP client's
 * tests: chunked bodies in pieces, early closes, garbage. `answer` gets each request head (requests
 * carry no body here) with its index on that connection and the connection's index on the server.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface RawRequest {
  head: string;
  /** 0 for a connection's first request. */
  indexOnConnection: number;
  /** 0 for the server's first connection. */
  connection: number;
  socket: Socket;
}

export interface RawServer {
  host: string;
  port: number;
  heads: string[];
  connections(): number;
  close(): Promise<void>;
}

export async function startRawServer(answer: (request: RawRequest) => void): Promise<RawServer> {
  const heads: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    const connection = connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    let indexOnConnection = 0;
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        heads.push(head);
        answer({ head, indexOnConnection: indexOnConnection++, connection, socket });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    heads,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
