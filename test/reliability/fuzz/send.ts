/**
 * Sends attack cases and collects what came back: an HTTP request through Node's own client (any
 * method, headers, body bytes and encodings), a socket.io event on a connected socket of the attacker
 * (its ack and every event the server emitted meanwhile), a socket.io handshake.
 */
import http from 'node:http';
import type { Socket } from 'socket.io-client';
import { connect } from '../../helpers/client';
import { headerSafe, type Attacker, type Credential, type HandshakeCase, type HttpCase, type SocketCase } from './cases';
import { TOKENS } from './world';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as text (a stream's first part only). */
  text: string;
  /** The client's failure (no answer at all), or undefined. */
  failure?: string;
}

/** Streams (SSE, JSONL) stay open: what they send within this time is judged, then the client hangs up. */
const STREAM_READ_MS = 150;
const MAX_BODY_CHARS = 4_000_000;

function credentialHeaders(credential: Credential): Record<string, string> {
  switch (credential.kind) {
    case 'bearer':
      return { Authorization: `Bearer ${TOKENS[credential.who]}` };
    case 'cookie':
      return { Cookie: `a2ui_token=${TOKENS[credential.who]}` };
    case 'wrong':
      return { Authorization: 'Bearer wrong-token-0123456789abcdef' };
    case 'none':
      return {};
    case 'malformed':
      return { [credential.header === 'authorization' ? 'Authorization' : 'Cookie']: credential.value };
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

export function sendHttp(base: string, c: HttpCase, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const headers: Record<string, string> = { ...c.headers, ...credentialHeaders(c.credential) };
    for (const name of Object.keys(headers)) headers[name] = headerSafe(headers[name]!);
    if (c.body) headers['Content-Length'] = String(c.body.length);
    let req: http.ClientRequest;
    try {
      req = http.request(new URL(base), { method: c.method, path: c.path, headers, agent });
    } catch (error) {
      // Node refuses to send it (it is not HTTP): nothing reached the server.
      done({ status: 0, headers: {}, text: '', failure: `client refused: ${(error as Error).message}` });
      return;
    }
    const timer = setTimeout(() => {
      req.destroy();
      done({ status: 0, headers: {}, text: '', failure: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      const streaming = c.stream && /event-stream|jsonl/.test(String(res.headers['content-type'] ?? ''));
      if (streaming) {
        setTimeout(() => {
          res.destroy();
          done({ status: res.statusCode ?? 0, headers: res.headers, text });
        }, STREAM_READ_MS);
      }
      res.on('data', (chunk: string) => {
        if (text.length < MAX_BODY_CHARS) text += chunk;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', () => done({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => done({ status: 0, headers: {}, text: '', failure: `${error.code ?? ''} ${error.message}` }));
    req.end(c.body);
  });
}

export interface SocketAnswer {
  /** The ack, when one was asked for and came. */
  ack?: unknown;
  acked: boolean;
  /** Every event the server emitted to this socket while the case ran. */
  events: Array<[string, unknown[]]>;
  /** The server closed the connection. */
  disconnected?: string;
  failure?: string;
}

/** One connected socket per attacker, made again when the server dropped it. */
export class SocketPool {
  private readonly sockets = new Map<Attacker, Socket>();

  constructor(private readonly url: string) {}

  async socketOf(who: Attacker): Promise<Socket> {
    const existing = this.sockets.get(who);
    if (existing?.connected) return existing;
    existing?.close();
    const socket = connect(this.url, TOKENS[who]);
    this.sockets.set(who, socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  async send(c: SocketCase, timeoutMs: number): Promise<SocketAnswer> {
    const socket = await this.socketOf(c.who);
    const events: Array<[string, unknown[]]> = [];
    const listener = (event: string, ...args: unknown[]) => void events.push([event, args]);
    socket.onAny(listener);
    let onDisconnect: (reason: string) => void = () => undefined;
    const disconnected = new Promise<string>((resolve) => {
      onDisconnect = resolve;
      socket.once('disconnect', onDisconnect);
    });
    try {
      if (!c.ack) {
        socket.emit(c.event, ...c.args);
        // Time for an `<event>_error` the server emits instead of an ack.
        const reason = await Promise.race([disconnected, new Promise<undefined>((resolve) => setTimeout(resolve, 30))]);
        return { acked: false, events, ...(reason ? { disconnected: reason } : {}) };
      }
      let timer: NodeJS.Timeout | undefined;
      const acked = new Promise<{ ack: unknown } | 'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
        socket.emit(c.event, ...c.args, (answer: unknown) => resolve({ ack: answer }));
      });
      const outcome = await Promise.race([acked, disconnected]);
      clearTimeout(timer);
      if (outcome === 'timeout') return { acked: false, events, failure: `no ack within ${timeoutMs} ms` };
      if (typeof outcome === 'string') return { acked: false, events, disconnected: outcome };
      // Events the server emitted in the same step as the ack arrive right behind it.
      await new Promise((resolve) => setImmediate(resolve));
      return { acked: true, ack: outcome.ack, events };
    } finally {
      socket.offAny(listener);
      socket.off('disconnect', onDisconnect);
    }
  }

  close(): void {
    for (const socket of this.sockets.values()) socket.close();
    this.sockets.clear();
  }
}

export interface HandshakeAnswer {
  connected: boolean;
  error?: { message: string; data?: unknown };
}

export async function handshake(url: string, c: HandshakeCase, timeoutMs: number): Promise<HandshakeAnswer> {
  const credential = c.credential;
  const options =
    credential.kind === 'bearer'
      ? { auth: { token: TOKENS[credential.who] } }
      : credential.kind === 'cookie'
        ? { extraHeaders: { cookie: `a2ui_token=${TOKENS[credential.who]}` } }
        : credential.kind === 'wrong'
          ? { auth: { token: 'wrong-token-0123456789abcdef' } }
          : credential.kind === 'malformed'
            ? { extraHeaders: { [credential.header]: credential.value } }
            : {};
  const socket = connect(url, undefined, options);
  try {
    return await new Promise<HandshakeAnswer>((resolve) => {
      const timer = setTimeout(() => resolve({ connected: false, error: { message: `no answer within ${timeoutMs} ms` } }), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve({ connected: true });
      });
      socket.once('connect_error', (error: Error & { data?: unknown }) => {
        clearTimeout(timer);
        resolve({ connected: false, error: { message: error.message, data: error.data } });
      });
    });
  } finally {
    socket.close();
  }
}

export function closeHttpAgent(): void {
  agent.destroy();
}
