/**
 * Sends raw WebSocket attack cases: one open `/ws` connection per attacker (made again when the
 * server closed it), a message sent as text or binary, and every message the server sent back until
 * a quiet spell (the protocol has no acks).
 */
import WebSocket from 'ws';
import type { Attacker, WsCase } from './cases';
import { TOKENS } from './world';

export interface WsAnswer {
  /** Every message the server sent while the case ran, parsed (or the text, when it is not JSON). */
  messages: unknown[];
  /** The close code, when the server closed the connection. */
  closed?: number;
  failure?: string;
}

/** How long a message may go unanswered (many answer nothing: an input to no session, a pong-less type). */
const WS_QUIET_MS = 150;

/** One open `/ws` connection per attacker, made again when the server closed it. */
export class WsPool {
  private readonly sockets = new Map<Attacker, WebSocket>();

  constructor(private readonly url: string) {}

  private async socketOf(who: Attacker): Promise<WebSocket> {
    const existing = this.sockets.get(who);
    if (existing?.readyState === WebSocket.OPEN) return existing;
    existing?.terminate();
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/ws`, { headers: { Authorization: `Bearer ${TOKENS[who]}` } });
    this.sockets.set(who, ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`the /ws upgrade answered ${res.statusCode}`)));
    });
    return ws;
  }

  async send(c: WsCase): Promise<WsAnswer> {
    const ws = await this.socketOf(c.who);
    const messages: unknown[] = [];
    return new Promise<WsAnswer>((resolve) => {
      let timer: NodeJS.Timeout;
      const finish = (answer: WsAnswer) => {
        clearTimeout(timer);
        ws.off('message', onMessage);
        ws.off('close', onClose);
        resolve(answer);
      };
      // A quiet spell after the last message ends the case (a chat or a feed may say several things).
      const quiet = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ messages }), messages.length ? 20 : WS_QUIET_MS);
      };
      const onMessage = (data: WebSocket.RawData) => {
        const text = data.toString();
        try {
          messages.push(JSON.parse(text));
        } catch {
          messages.push(text);
        }
        quiet();
      };
      const onClose = (code: number) => finish({ messages, closed: code });
      ws.on('message', onMessage);
      ws.on('close', onClose);
      quiet();
      ws.send(c.data, { binary: Buffer.isBuffer(c.data) }, (error) => error && finish({ messages, failure: `sending failed: ${error.message}` }));
    });
  }

  close(): void {
    for (const ws of this.sockets.values()) ws.terminate();
    this.sockets.clear();
  }
}
