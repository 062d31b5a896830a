/**
 * What the model gateway adds: the same requests sent to a local upstream directly and through the
 * gateway (the real product server, `POST /v1/messages` and `/v1/responses`), each in its own process.
 *
 * - Latency per request: small answers (20 text deltas), whole and streamed, one request at a time,
 *   direct and gateway alternating; p50 / p99 of each and the p50 overhead (goal: under 1 ms).
 * - Throughput per streamed event: one long answer (`--events`, default 20,000 deltas) read as fast
 *   as possible; events per second of each, their ratio (goal: within 10%), and the time the gateway
 *   adds per event.
 *
 * Each figure also says what the gateway's own process spent (CPU time per request, per event), which
 * holds whatever else runs on the machine; the times depend on it (three processes share the cores).
 *
 * Three routes: Anthropic client → Anthropic upstream and OpenAI client → OpenAI upstream (passed
 * through), and OpenAI client → Anthropic upstream (translated event by event; measured against the
 * direct Anthropic stream it is made from).
 *
 *   npm run bench:gateway -- [--requests 1000] [--events 20000]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { BENCH_KEYS } from './gateway-upstream';
import { launch, percentile } from './support';

interface Target {
  port: number;
  path: string;
  headers: Record<string, string>;
  /** The request body for an answer of `deltas` text deltas. */
  body(deltas: number, stream: boolean): object;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** One request; resolves with its duration (ms) and the SSE events of a streamed answer. */
function call(target: Target, deltas: number, stream: boolean): Promise<{ ms: number; events: number; status: number }> {
  const payload = JSON.stringify(target.body(deltas, stream));
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: target.port, path: target.path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...target.headers } },
      (res) => {
        let events = 0;
        let tail = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          // Count blank-line separators, also across chunk edges.
          const text = tail + chunk;
          for (let i = text.indexOf('\n\n'); i !== -1; i = text.indexOf('\n\n', i + 2)) events++;
          tail = text.slice(-1);
        });
        res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, events, status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** CPU time (ms, user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}
/** Linux's USER_HZ, the unit of /proc/<pid>/stat times. */
const TICKS_PER_SECOND = 100;

function stats(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

async function latency(name: string, direct: Target, gateway: Target, stream: boolean, requests: number, gatewayPid: number, upstreamPid: number) {
  const deltas = 20;
  // Warm up both paths (connections, JIT) before measuring.
  for (let i = 0; i < 300; i++) {
    await call(direct, deltas, stream);
    await call(gateway, deltas, stream);
  }
  const d: number[] = [];
  const g: number[] = [];
  // The gateway's own CPU time per request: what it costs, whatever else runs on the machine.
  const cpuBefore = cpuMs(gatewayPid);
  const upstreamBefore = cpuMs(upstreamPid);
  for (let i = 0; i < requests; i++) {
    d.push((await call(direct, deltas, stream)).ms);
    const through = await call(gateway, deltas, stream);
    if (through.status !== 200) throw new Error(`${name}: the gateway answered ${through.status}`);
    g.push(through.ms);
  }
  const ds = stats(d);
  const gs = stats(g);
  const result = {
    case: `${name}, ${stream ? 'streamed' : 'whole'} (${deltas} deltas)`,
    direct_p50_ms: round(ds.p50),
    direct_p99_ms: round(ds.p99),
    gateway_p50_ms: round(gs.p50),
    gateway_p99_ms: round(gs.p99),
    overhead_p50_ms: round(gs.p50 - ds.p50),
    gateway_cpu_us_per_request: Math.round(((cpuMs(gatewayPid) - cpuBefore) * 1000) / requests),
    // For scale: the upstream, a plain Node HTTP server, answers two requests (direct and relayed) per round.
    upstream_cpu_us_per_request: Math.round(((cpuMs(upstreamPid) - upstreamBefore) * 1000) / (2 * requests)),
  };
  console.log(JSON.stringify(result));
  return result;
}

async function throughput(name: string, direct: Target, gateway: Target, events: number, gatewayPid: number) {
  await call(direct, events, true);
  await call(gateway, events, true);
  const cpuBefore = cpuMs(gatewayPid);
  const runs = { direct: [] as number[], gateway: [] as number[] };
  let counted = { direct: 0, gateway: 0 };
  for (let i = 0; i < 3; i++) {
    const a = await call(direct, events, true);
    const b = await call(gateway, events, true);
    runs.direct.push(a.ms);
    runs.gateway.push(b.ms);
    counted = { direct: a.events, gateway: b.events };
  }
  const directMs = stats(runs.direct).p50;
  const gatewayMs = stats(runs.gateway).p50;
  const result = {
    case: `${name}, one streamed answer of ${events} deltas`,
    direct_events_per_s: Math.round((counted.direct / directMs) * 1000),
    gateway_events_per_s: Math.round((counted.gateway / gatewayMs) * 1000),
    throughput_ratio: round(counted.gateway / gatewayMs / (counted.direct / directMs), 3),
    overhead_per_event_us: round(((gatewayMs - directMs) * 1000) / events, 2),
    gateway_cpu_us_per_event: round(((cpuMs(gatewayPid) - cpuBefore) * 1000) / (3 * events), 2),
  };
  console.log(JSON.stringify(result));
  return result;
}

function option(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const requests = option(argv, 'requests', 1000);
  const events = option(argv, 'events', 20_000);
  const root = path.join(__dirname, '..');

  const upstream = await launch(path.join(__dirname, 'gateway-upstream.ts'), {}, /listening (\d+) (\d+)/);
  const [anthropicPort, openaiPort] = [Number(upstream.match[1]), Number(upstream.match[2])];
  const token = `bench-${crypto.randomBytes(16).toString('hex')}`;
  const providers = [
    { name: 'anthropic', kind: 'anthropic', base_url: `http://127.0.0.1:${anthropicPort}`, api_key: BENCH_KEYS.anthropic, models: ['claude-bench'] },
    { name: 'openai', kind: 'openai', base_url: `http://127.0.0.1:${openaiPort}/v1`, api_key: BENCH_KEYS.openai, models: ['gpt-bench'] },
  ];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'a2ui-bench-gateway-'));
  const server = await launch(
    path.join(root, 'server/main.ts'),
    { PORT: '0', HOST: '127.0.0.1', A2UI_DATA_DIR: dataDir, A2UI_TOKEN: token, A2UI_GATEWAY_PROVIDERS: JSON.stringify(providers) },
    /listening on http:\/\/127\.0\.0\.1:(\d+)/,
  );

  const pid = server.child.pid!;
  const messages = (model: string) => (deltas: number, stream: boolean) => ({ model, max_tokens: deltas, stream, messages: [{ role: 'user', content: 'Write.' }] });
  const responses = (model: string) => (deltas: number, stream: boolean) => ({ model, max_output_tokens: deltas, stream, input: 'Write.' });
  const anthropicHeaders = (key: string) => ({ 'x-api-key': key, 'anthropic-version': '2023-06-01' });
  const directAnthropic: Target = { port: anthropicPort, path: '/v1/messages', headers: anthropicHeaders(BENCH_KEYS.anthropic), body: messages('claude-bench') };
  const directOpenai: Target = { port: openaiPort, path: '/v1/responses', headers: { authorization: `Bearer ${BENCH_KEYS.openai}` }, body: responses('gpt-bench') };
  const viaMessages: Target = { port: server.port, path: '/v1/messages', headers: anthropicHeaders(token), body: messages('claude-bench') };
  const viaResponses: Target = { port: server.port, path: '/v1/responses', headers: { authorization: `Bearer ${token}` }, body: responses('gpt-bench') };
  const translated: Target = { port: server.port, path: '/v1/responses', headers: { authorization: `Bearer ${token}` }, body: responses('claude-bench') };

  try {
    for (const stream of [false, true]) {
      await latency('Anthropic → Anthropic', directAnthropic, viaMessages, stream, requests, pid, upstream.child.pid!);
      await latency('OpenAI → OpenAI', directOpenai, viaResponses, stream, requests, pid, upstream.child.pid!);
      await latency('OpenAI client → Anthropic (translated)', directAnthropic, translated, stream, requests, pid, upstream.child.pid!);
    }
    await throughput('Anthropic → Anthropic', directAnthropic, viaMessages, events, pid);
    await throughput('OpenAI → OpenAI', directOpenai, viaResponses, events, pid);
    await throughput('OpenAI client → Anthropic (translated)', directAnthropic, translated, events, pid);
  } finally {
    agent.destroy();
    // Each child writes its last file (the usage store, a CPU profile) before it exits.
    await Promise.all([server.child, upstream.child].map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'))));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
