/**
 * Client mistakes that express and body-parser catch before any route runs: a body that claims
 * `Content-Encoding: gzip` but does not inflate, and a malformed `%` escape in a path. Each is a 400
 * INVALID_INPUT in the one error shape, on every POST endpoint and every path with a parameter
 * (they used to be 500 INTERNAL_ERROR).
 */
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import request from 'supertest';
import { bearer, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { A2UI_RATE_LIMIT_PER_MINUTE: '100000' } });
});
afterAll(() => server.close());

/** Every POST endpoint of the product. */
const POST_ENDPOINTS = [
  '/api/a2ui/action',
  '/api/a2ui/v0.9/action',
  '/api/worktrees',
  '/api/agents/demo/start',
  '/api/agents/demo/stop',
  '/api/agents/demo/resume',
  '/api/agents/demo/input',
  '/api/chat',
  '/api/approvals',
  '/events/message',
];

/** A POST of exactly these bytes (supertest re-encodes a Buffer body). */
function postGzip(url: string, body: Buffer): Promise<{ status: number; body: any }> {
  const target = new URL(url, server.url);
  return new Promise((resolve, reject) => {
    const headers = { ...bearer(server.token), 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(body.length) };
    const req = http.request(target, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const oneShape = { error: { code: 'INVALID_INPUT', message: expect.any(String) } };

test.each(POST_ENDPOINTS)('POST %s with a gzip body that does not inflate is a 400 INVALID_INPUT', async (url) => {
  const garbage = Buffer.from('this is not gzip at all');
  const res = await postGzip(url, garbage);
  expect(res.status).toBe(400);
  expect(res.body).toEqual(oneShape);
  expect(res.body.error.message).toMatch(/Content-Encoding/);
});

test('a gzip body that is cut short is a 400 too, and a real gzip body still works', async () => {
  const body = zlib.gzipSync(JSON.stringify({ action: 'navigate', payload: { to: '/agents' } }));
  const cut = await postGzip('/api/a2ui/action', body.subarray(0, body.length - 12));
  expect(cut.status).toBe(400);
  expect(cut.body).toEqual(oneShape);
  const whole = await postGzip('/api/a2ui/action', body);
  expect(whole.status).toBe(200);
  expect(whole.body.status).toBe('success');
});

test.each([
  ['GET', '/api/agents/%zz'],
  ['GET', '/api/agents/%zz/status'],
  ['POST', '/api/agents/%zz/start'],
  ['GET', '/api/sessions/%E0%A4%A'],
  ['GET', '/api/worktrees/%zz'],
  ['DELETE', '/api/worktrees/%zz'],
  ['GET', '/api/chat/%zz'],
  ['DELETE', '/api/chat/%'],
])('%s %s (a malformed %% escape) is a 400 INVALID_INPUT', async (method, url) => {
  const req = method === 'GET' ? request(server.url).get(url) : method === 'POST' ? request(server.url).post(url) : request(server.url).delete(url);
  const res = await req.set(bearer(server.token));
  expect(res.status).toBe(400);
  expect(res.body).toEqual(oneShape);
  expect(res.body.error.message).toMatch(/escape/);
});

/** Sends `raw` bytes on a new connection and answers what came back until the server closed it. */
function rawExchange(raw: string): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(raw));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

/** A raw answer's status and JSON body. */
function parseAnswer(text: string): { status: number; body: unknown } {
  const [head, body] = text.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head ?? '')?.[1]), body: body ? JSON.parse(body) : undefined };
}

// Found by the fuzzer: Node's HTTP parser refused these before express ran, with a bare status line.
test.each([
  ['headers over the limit (a 20 KB URL)', `GET /api/health?q=${'y'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 'PAYLOAD_TOO_LARGE'],
  ['a URL with a byte a URL may not hold', 'GET /api/\u00e7a HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'INVALID_INPUT'],
  ['a header with a character a header may not hold', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Bad\u0001: 1\r\n\r\n', 400, 'INVALID_INPUT'],
  ['not HTTP at all', 'HELLO THERE\r\n\r\n', 400, 'INVALID_INPUT'],
])('%s is answered in the one error shape', async (_what, raw, status, code) => {
  const answer = parseAnswer(await rawExchange(raw));
  expect(answer.status).toBe(status);
  expect(answer.body).toEqual({ error: { code, message: expect.any(String) } });
  // The server goes on.
  expect((await request(server.url).get('/health')).status).toBe(200);
});

test('a HEAD with headers over the limit gets the status and no body', async () => {
  const text = await rawExchange(`HEAD /api/health?q=${'y'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  expect(text).toMatch(/^HTTP\/1\.1 431 /);
  expect(text.split('\r\n\r\n')[1]).toBe('');
});
