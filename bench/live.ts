/**
 * Live-session throughput and latency: N socket.io clients on loopback (default 200), each its own
 * user, each sending actions in a loop (await the ack, send the next) for a fixed time. The same load
 * runs against a bare socket.io echo server in the same run, as the baseline our round trip is
 * measured against (goal: within 2x at 200 clients).
 *
 * Each server runs in its own child process, so the clients (this process) and the server do not
 * share an event loop. Our action is `navigate`, alternating between two routes: every action changes
 * the surface, so each one is a full route → render → diff → frame → ack round trip, with the frame
 * pushed to the socket as well.
 *
 *   npm run bench:live -- [--clients 200] [--seconds 10] [--workload navigate|select]
 *
 * Prints one JSON line per server: {"server", "clients", "seconds", "actions", "actions_per_s",
 * "p50_ms", "p99_ms", "errors"}, then the ratio of our p50 and p99 to the echo server's.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { launch, percentile } from './support';

interface Options {
  clients: number;
  seconds: number;
  workload: keyof typeof WORKLOADS;
}

/**
 * What each client sends. `navigate` swaps the whole screen each time (dashboard ↔ agents: ~3.4 KB of
 * ops per answer); `select` changes the session's selection and no component (the orchestrator's
 * fixed cost per action: auth'd socket, validation, queue, render, diff, ack).
 */
const WORKLOADS = {
  navigate: (_i: number, n: number) => ({ action: 'navigate', payload: { to: n % 2 === 0 ? '/agents' : '/' }, surface_id: 'main' }),
  select: (i: number, n: number) => ({ action: 'select', payload: { ids: [`item-${i}-${n % 10}`] }, surface_id: 'main' }),
};

function parseArgs(argv: string[]): Options {
  const get = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    const value = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  const w = argv.indexOf('--workload');
  const workload = (w >= 0 ? argv[w + 1] : 'navigate') as keyof typeof WORKLOADS;
  if (!Object.hasOwn(WORKLOADS, workload)) throw new Error(`--workload must be one of ${Object.keys(WORKLOADS).join(', ')}`);
  return { clients: get('clients', 200), seconds: get('seconds', 10), workload };
}

async function connectAll(port: number, tokens: string[]): Promise<Socket[]> {
  return Promise.all(
    tokens.map(
      (token) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = io(`http://127.0.0.1:${port}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', reject);
        }),
    ),
  );
}

/** Every client loops: send, await the ack, record the round trip, until the time is up. */
async function drive(name: string, sockets: Socket[], seconds: number, workload: keyof typeof WORKLOADS) {
  const request = WORKLOADS[workload];
  await Promise.all(sockets.map((s) => s.timeout(10_000).emitWithAck('join', { surface_id: 'main' })));
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    sockets.map(async (socket, i) => {
      for (let n = 0; performance.now() < end; n++) {
        const start = performance.now();
        try {
          const answer = (await socket.timeout(10_000).emitWithAck('action', request(i, n))) as { status?: string };
          if (answer.status === 'error') errors++;
          latencies.push(performance.now() - start);
        } catch {
          errors++;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const result = {
    server: name,
    workload,
    clients: sockets.length,
    seconds,
    actions: latencies.length,
    actions_per_s: Math.round(latencies.length / seconds),
    p50_ms: Number(percentile(latencies, 50).toFixed(2)),
    p99_ms: Number(percentile(latencies, 99).toFixed(2)),
    errors,
  };
  console.log(JSON.stringify(result));
  for (const s of sockets) s.close();
  return result;
}

async function main(): Promise<void> {
  const { clients, seconds, workload } = parseArgs(process.argv.slice(2));
  const root = path.join(__dirname, '..');

  // Our server: one user per client, a rate limit that does not throttle the loop.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'a2ui-bench-live-'));
  const tokens = Array.from({ length: clients }, (_, i) => `bench-${i}-${crypto.randomBytes(12).toString('hex')}`);
  fs.writeFileSync(path.join(dataDir, 'users.json'), JSON.stringify({ users: tokens.map((token, i) => ({ token, user_id: `bench-${i}` })) }));
  const ours = await launch(path.join(root, 'server/main.ts'), { PORT: '0', HOST: '127.0.0.1', A2UI_DATA_DIR: dataDir, A2UI_RATE_LIMIT_PER_MINUTE: '10000000' }, /listening on http:\/\/127\.0\.0\.1:(\d+)/);
  const oursResult = await drive('a2ui-orchestrator', await connectAll(ours.port, tokens), seconds, workload);
  ours.child.kill('SIGTERM');

  const echo = await launch(path.join(__dirname, 'live-echo.ts'), {}, /listening (\d+)/);
  const echoResult = await drive('socket.io-echo', await connectAll(echo.port, tokens), seconds, workload);
  echo.child.kill('SIGTERM');

  console.log(
    JSON.stringify({
      comparison: 'a2ui-orchestrator / socket.io-echo',
      workload,
      p50_ratio: Number((oursResult.p50_ms / echoResult.p50_ms).toFixed(2)),
      p99_ratio: Number((oursResult.p99_ms / echoResult.p99_ms).toFixed(2)),
      throughput_ratio: Number((oursResult.actions_per_s / echoResult.actions_per_s).toFixed(2)),
    }),
  );
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
