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
 *   npm run bench:live -- --nodes 2 --redis [--clients 200] [--seconds 10] [--workload select]
 *
 * Prints one JSON line per server: {"server", "clients", "seconds", "actions", "actions_per_s",
 * "p50_ms", "p99_ms", "errors", "server_cpu_ms_per_action"}, then the ratio of our p50 and p99 to the
 * echo server's.
 *
 * With `--nodes N --redis` the comparison is another: N server processes on one Redis (a redis-server
 * this bench starts on a free loopback port), the clients spread over them, against 1 process on the
 * embedded store, in the same run. The server CPU per action is process.cpuUsage() of every server
 * process over the measured time, summed, divided by the actions. On a machine where the clients
 * share the cores with the servers, the goal is on cost: CPU per action of the cluster within 1.5x
 * of the single process's, p99 within 2x.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { startRedis } from '../test/helpers/redis';
import { LISTENING, launch, percentile, serverCpuMicros } from './support';

interface Options {
  clients: number;
  seconds: number;
  workload: keyof typeof WORKLOADS;
  /** Server processes on one Redis (with `redis`), compared with one on the embedded store. */
  nodes: number;
  redis: boolean;
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
  const redis = argv.includes('--redis');
  const nodes = get('nodes', 1);
  if (nodes > 1 && !redis) throw new Error('--nodes above 1 needs --redis (processes share their state through it)');
  return { clients: get('clients', 200), seconds: get('seconds', 10), workload, nodes, redis };
}

/** Connects client i to `ports[i % ports.length]` (a load balancer spreading them evenly). */
async function connectAll(port: number | number[], tokens: string[]): Promise<Socket[]> {
  const ports = Array.isArray(port) ? port : [port];
  return Promise.all(
    tokens.map(
      (token, i) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = io(`http://127.0.0.1:${ports[i % ports.length]}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', reject);
        }),
    ),
  );
}

/** Every client loops: send, await the ack, record the round trip, until the time is up. */
async function drive(name: string, sockets: Socket[], seconds: number, workload: keyof typeof WORKLOADS, servers: ChildProcess[] = []) {
  const request = WORKLOADS[workload];
  await Promise.all(sockets.map((s) => s.timeout(10_000).emitWithAck('join', { surface_id: 'main' })));
  const cpuBefore = servers.length ? await serverCpuMicros(servers) : 0;
  const latencies: number[] = [];
  let errors = 0;
  // The size of the answers, sampled on the first client only (encoding every answer would load the load generator).
  let sampledBytes = 0;
  let sampledAnswers = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    sockets.map(async (socket, i) => {
      for (let n = 0; performance.now() < end; n++) {
        const start = performance.now();
        try {
          const answer = (await socket.timeout(10_000).emitWithAck('action', request(i, n))) as { status?: string };
          if (answer.status === 'error') errors++;
          latencies.push(performance.now() - start);
          if (i === 0) {
            sampledBytes += Buffer.byteLength(JSON.stringify(answer));
            sampledAnswers++;
          }
        } catch {
          errors++;
        }
      }
    }),
  );
  const cpuMicros = servers.length ? (await serverCpuMicros(servers)) - cpuBefore : NaN;
  latencies.sort((a, b) => a - b);
  const result = {
    server: name,
    bytes_per_answer: sampledAnswers ? Math.round(sampledBytes / sampledAnswers) : 0,
    workload,
    clients: sockets.length,
    seconds,
    actions: latencies.length,
    actions_per_s: Math.round(latencies.length / seconds),
    p50_ms: Number(percentile(latencies, 50).toFixed(2)),
    p99_ms: Number(percentile(latencies, 99).toFixed(2)),
    errors,
    ...(servers.length ? { server_processes: servers.length, server_cpu_ms_per_action: Number((cpuMicros / 1000 / Math.max(1, latencies.length)).toFixed(4)) } : {}),
  };
  console.log(JSON.stringify(result));
  for (const s of sockets) s.close();
  return result;
}

/** Data dirs with one user per client (each process of a cluster reads its own users.json). */
function dataDirFor(tokens: string[]): string {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'a2ui-bench-live-'));
  fs.writeFileSync(path.join(dataDir, 'users.json'), JSON.stringify({ users: tokens.map((token, i) => ({ token, user_id: `bench-${i}` })) }));
  return dataDir;
}

const SERVER_ENV = { PORT: '0', HOST: '127.0.0.1', A2UI_RATE_LIMIT_PER_MINUTE: '10000000' };

/** `--nodes N --redis`: N processes on one Redis against one on the embedded store, same load, same run. */
async function compareCluster({ clients, seconds, workload, nodes }: Options): Promise<void> {
  const entry = path.join(__dirname, 'live-server.ts');
  const tokens = Array.from({ length: clients }, (_, i) => `bench-${i}-${crypto.randomBytes(12).toString('hex')}`);
  const dirs: string[] = [];

  const singleDir = dataDirFor(tokens);
  dirs.push(singleDir);
  const single = await launch(entry, { ...SERVER_ENV, A2UI_DATA_DIR: singleDir }, LISTENING);
  const singleResult = await drive('1 process, embedded store', await connectAll(single.port, tokens), seconds, workload, [single.child]);
  single.child.kill('SIGTERM');

  const redis = await startRedis();
  const servers = [];
  // One store key for all: the processes read what the others wrote (README, "Running several processes").
  const storeKey = crypto.randomBytes(24).toString('hex');
  for (let n = 0; n < nodes; n++) {
    const dataDir = dataDirFor(tokens);
    dirs.push(dataDir);
    servers.push(await launch(entry, { ...SERVER_ENV, A2UI_DATA_DIR: dataDir, A2UI_REDIS_URL: redis.url, A2UI_STORE_KEY: storeKey, A2UI_NODE_ID: `bench-${n}` }, LISTENING));
  }
  // Redis's own count of commands, to say what an action costs it (the ceiling of a deployment).
  const commands = new Redis(redis.url);
  const commandsSoFar = async () => Number(/total_commands_processed:(\d+)/.exec(await commands.info('stats'))![1]);
  const commandsBefore = await commandsSoFar();
  const clusterResult = await drive(`${nodes} processes, Redis`, await connectAll(servers.map((s) => s.port), tokens), seconds, workload, servers.map((s) => s.child));
  const redisCommandsPerAction = Number((((await commandsSoFar()) - commandsBefore) / Math.max(1, clusterResult.actions)).toFixed(2));
  commands.disconnect();
  console.log(JSON.stringify({ redis_commands_per_action: redisCommandsPerAction, note: 'joins and lease renewals included' }));
  await Promise.all(servers.map((s) => new Promise((resolve) => (s.child.once('exit', resolve), s.child.kill('SIGTERM')))));
  await redis.stop();

  console.log(
    JSON.stringify({
      comparison: `${nodes} processes on Redis / 1 process embedded`,
      workload,
      cpu_per_action_ratio: Number((clusterResult.server_cpu_ms_per_action! / singleResult.server_cpu_ms_per_action!).toFixed(2)),
      p50_ratio: Number((clusterResult.p50_ms / singleResult.p50_ms).toFixed(2)),
      p99_ratio: Number((clusterResult.p99_ms / singleResult.p99_ms).toFixed(2)),
      throughput_ratio: Number((clusterResult.actions_per_s / singleResult.actions_per_s).toFixed(2)),
      goal: 'cpu_per_action_ratio <= 1.5 (select), p99_ratio <= 2',
    }),
  );
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.redis) return compareCluster(options);
  const { clients, seconds, workload } = options;
  const root = path.join(__dirname, '..');

  // Our server: one user per client, a rate limit that does not throttle the loop.
  const tokens = Array.from({ length: clients }, (_, i) => `bench-${i}-${crypto.randomBytes(12).toString('hex')}`);
  const dataDir = dataDirFor(tokens);
  const ours = await launch(path.join(root, 'server/main.ts'), { ...SERVER_ENV, A2UI_DATA_DIR: dataDir }, LISTENING);
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
