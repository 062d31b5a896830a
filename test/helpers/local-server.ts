/**
 * A plain HTTP server on 127.0.0.1 and a free port, for the local stand-ins of outside services (the
 * fake Google, the fake Anthropic API). Its close does not wait for open connections: a stream left
 * hanging on purpose is cut. A handler that throws answers 500 instead of an unhandled rejection.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/** A request's whole body, as text. */
export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Text split the way a model streams it: word by word, each with its trailing space. */
export function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function listenLocally(handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        console.error('[local server] handler failed:', error);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
