/**
 * A raw WebSocket client (the `ws` package, as a documented client in Node would use) on the
 * server's `/ws`: it keeps every message it got, and waits for the ones a test expects.
 */
import http from 'node:http';
import WebSocket from 'ws';
import { waitFor } from './wait';

export type WsMessage = { type: string; [field: string]: any };

export function wsUrl(serverUrl: string, path = '/ws'): string {
  return `${serverUrl.replace(/^http/, 'ws')}${path}`;
}

export class WsClient {
  readonly messages: WsMessage[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as WsMessage));
  }

  /** Connects with the token as a Bearer header (or other headers); rejects when the upgrade is refused. */
  static open(serverUrl: string, token: string | undefined, headers: Record<string, string> = {}): Promise<WsClient> {
    const socket = new WebSocket(wsUrl(serverUrl), { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } });
    return new Promise((resolve, reject) => {
      const client = new WsClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The messages of one type, in order. */
  of(type: string): WsMessage[] {
    return this.messages.filter((m) => m.type === type);
  }

  /** Waits until `predicate` holds for the messages so far; answers them. */
  until(predicate: (messages: WsMessage[]) => boolean, what: string, timeoutMs = 15_000): Promise<WsMessage[]> {
    return waitFor(() => (predicate(this.messages) ? this.messages : undefined), () => `${what}; got ${JSON.stringify(this.messages.map((m) => m.type))}`, timeoutMs);
  }

  /** Waits for the next message of `type` after the `after`-th message (default: any so far). */
  async next(type: string, after = 0): Promise<WsMessage> {
    await this.until((messages) => messages.slice(after).some((m) => m.type === type), `a ${type} message`);
    return this.messages.slice(after).find((m) => m.type === type)!;
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

/** An upgrade the server refuses: its HTTP status, headers and JSON body. */
export function refusedUpgrade(serverUrl: string, path: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(serverUrl, path), { headers });
    socket.once('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
    });
    socket.once('error', () => undefined);
  });
}
