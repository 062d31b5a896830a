/**
 * What an agent's events cost when another process follows them: an agent prints a flood of lines
 * (`--lines`, default 20,000) and a reader follows its SSE stream live, first on one process on the
 * embedded store (the agent and the reader on the same process), then on two processes on Redis (the
 * agent on A, the reader on B: every event goes through the shared log and its live copy).
 *
 *   npm run bench:agent-events [-- --lines 20000]
 *
 * Prints, per setup: events, the time from the start request to the reader's last event, events per
 * second through the reader, and server CPU time per event (process.cpuUsage of each server process,
 * summed; for the cluster also each process on its own: A writes, B hears and serves the stream).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { startRedis } from '../test/helpers/redis';
import { LISTENING, launch, serverCpuMicros } from './support';

const TOKEN = `bench-${crypto.randomBytes(12).toString('hex')}`;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

function agentsFile(lines: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a2ui-bench-agents-'));
  const file = path.join(dir, 'agents.json');
  const script = path.join(__dirname, '../test/fixtures/agents/lines-agent.js');
  fs.writeFileSync(file, JSON.stringify({ agents: [{ id: 'flood', name: 'Flood', role: 'worker', protocol: 'plain', command: process.execPath, args: [script, String(lines)] }] }));
  return file;
}

/** Follows the agent's SSE stream live; resolves with the number of events once its session is terminated. */
function follow(port: number): { opened: Promise<void>; done: Promise<number> } {
  let opened!: () => void;
  const openedPromise = new Promise<void>((resolve) => (opened = resolve));
  const done = new Promise<number>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/agents/flood/stream', headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      let events = 0;
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes('event: connected')) opened();
          if (!/^id: /m.test(block)) continue;
          events++;
          if (block.includes('event: agent_status') && block.includes('"status":"terminated"')) {
            req.destroy();
            resolve(events);
          }
        }
      });
    });
    req.on('error', reject);
  });
  return { opened: openedPromise, done };
}

async function run(label: string, servers: Array<{ child: ChildProcess; port: number }>, writer: number, reader: number): Promise<void> {
  const stream = follow(servers[reader]!.port);
  await stream.opened;
  const before = await Promise.all(servers.map((s) => serverCpuMicros([s.child])));
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${servers[writer]!.port}/api/agents/flood/start`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
  if (res.status !== 201) throw new Error(`start answered ${res.status}: ${await res.text()}`);
  const events = await stream.done;
  const ms = performance.now() - started;
  const cpu = (await Promise.all(servers.map((s) => serverCpuMicros([s.child])))).map((after, i) => (after - before[i]!) / events);
  console.log(
    JSON.stringify({
      setup: label,
      events,
      ms: Math.round(ms),
      events_per_s: Math.round((events / ms) * 1000),
      server_cpu_us_per_event: Number(cpu.reduce((sum, micros) => sum + micros, 0).toFixed(1)),
      ...(servers.length > 1 ? { per_process_us_per_event: cpu.map((micros) => Number(micros.toFixed(1))) } : {}),
    }),
  );
}

async function main(): Promise<void> {
  const lines = option('lines', 20_000);
  const entry = path.join(__dirname, 'live-server.ts');
  const env = { PORT: '0', HOST: '127.0.0.1', A2UI_TOKEN: TOKEN, A2UI_AGENTS_FILE: agentsFile(lines), A2UI_RATE_LIMIT_PER_MINUTE: '10000000' };
  const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'a2ui-bench-events-'));

  const single = await launch(entry, { ...env, A2UI_DATA_DIR: dataDir() }, LISTENING);
  await run('1 process, embedded store (agent and reader on it)', [single], 0, 0);
  single.child.kill('SIGTERM');

  const redis = await startRedis();
  const storeKey = crypto.randomBytes(24).toString('hex');
  const nodes = [];
  for (const name of ['a', 'b']) nodes.push(await launch(entry, { ...env, A2UI_DATA_DIR: dataDir(), A2UI_REDIS_URL: redis.url, A2UI_STORE_KEY: storeKey, A2UI_NODE_ID: `bench-${name}` }, LISTENING));
  await run('2 processes on Redis (agent on A, reader on B)', nodes, 0, 1);
  for (const node of nodes) node.child.kill('SIGTERM');
  await redis.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
