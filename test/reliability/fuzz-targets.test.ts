/**
 * The fuzzer's target list (fuzz/targets.ts) is complete: every route a running server registers with
 * express, every event its socket.io sockets listen to and every message type its raw WebSocket
 * accepts is a target. The list is derived from the modules' declarations; this test watches the real
 * registrations (express's route methods, socket.io's `Socket.on`, the raw WebSocket's message list)
 * while the server starts as `npm start` wires it, so a door added outside the declarations (a route
 * mounted by hand in the transport, a new socket event) fails here until the fuzzer covers it.
 */
import express from 'express';
import { Socket as ServerSocket } from 'socket.io';
import { MODULES } from '../../server/app/modules';
import * as rawWs from '../../server/transport/raw-ws';
import { connect } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { closeTestModules } from '../helpers/services';
import { enumerateTargets, type Targets } from './fuzz/targets';

jest.setTimeout(120_000);

const ROUTE_METHODS = ['get', 'post', 'put', 'delete', 'patch', 'all'] as const;
/** express's catch-all for the thin client's pages: the fuzzer aims unknown paths at it instead. */
const CATCH_ALL = '/{*path}';

const routes = new Set<string>();
const events = new Set<string>();
const wsTypes = new Set<string>();
let server: TestServer | undefined;
let targets: Targets;

beforeAll(async () => {
  // express copies its methods onto each app when the app is made: spied here, they record every route.
  for (const method of ROUTE_METHODS) {
    const real = express.application[method] as (...args: unknown[]) => unknown;
    jest.spyOn(express.application as any, method).mockImplementation(function (this: unknown, ...args: unknown[]) {
      if (typeof args[0] === 'string' && args.length > 1) routes.add(`${method.toUpperCase()} ${args[0]}`);
      return real.apply(this, args);
    });
  }
  const on = ServerSocket.prototype.on;
  jest.spyOn(ServerSocket.prototype as any, 'on').mockImplementation(function (this: ServerSocket, ...args: any[]) {
    events.add(String(args[0]));
    return on.call(this, args[0], args[1]);
  });
  const attach = rawWs.attachRawWebSocket;
  jest.spyOn(rawWs, 'attachRawWebSocket').mockImplementation((http, deps) => {
    for (const message of deps.messages) wsTypes.add(message.name);
    return attach(http, deps);
  });

  server = await startTestServer({ modules: MODULES });
  // socket.io listens per connection: one connection shows every event it takes.
  const socket = connect(server.url, server.token);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.close();
  targets = await enumerateTargets();
});

afterAll(async () => {
  jest.restoreAllMocks();
  await server?.close();
  await closeTestModules();
});

test('every route the server registers is a fuzz target', () => {
  const covered = new Set(targets.http.filter((t) => !t.variant).map((t) => `${t.method} ${t.path}`));
  const registered = [...routes].filter((route) => !route.endsWith(` ${CATCH_ALL}`));
  // The watch saw the server's routes at all (an empty list would pass vacuously).
  expect(registered).toEqual(expect.arrayContaining(['GET /health', 'POST /api/a2ui/action', 'GET /api/agents']));
  expect(registered.filter((route) => !covered.has(route))).toEqual([]);
});

test('every socket.io event the server listens to is a fuzz target', () => {
  // `disconnect` and `error` are socket.io's own, not something a client sends.
  const listened = [...events].filter((event) => !['disconnect', 'disconnecting', 'error'].includes(event));
  expect(listened).toEqual(expect.arrayContaining(['join', 'action']));
  const covered = new Set(targets.socket.map((t) => t.name));
  expect(listened.filter((event) => !covered.has(event))).toEqual([]);
});

test('every raw WebSocket message type is a fuzz target', () => {
  expect(wsTypes.size).toBeGreaterThan(0);
  const covered = new Set(targets.ws.map((t) => t.name));
  expect([...wsTypes, 'ping'].filter((type) => !covered.has(type))).toEqual([]);
});
