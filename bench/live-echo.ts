/**
 * The baseline for bench/live.ts: a bare socket.io server that acks every `action` with its payload.
 * Prints `listening <port>` when ready.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const server = http.createServer();
const io = new Server(server, { serveClient: false });
io.on('connection', (socket) => {
  socket.on('join', (_payload: unknown, ack: (x: unknown) => void) => ack({ ok: true }));
  socket.on('action', (payload: unknown, ack: (x: unknown) => void) => ack(payload));
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
