/**
 * A local stand-in for the Anthropic Messages API (`POST /v1/messages`), for tests that drive the
 * real `@anthropic-ai/sdk` client through its `baseURL`. It answers scripted responses in order, as
 * JSON or as the real SSE stream (`message_start`, `content_block_start`, `ping`,
 * `content_block_delta` with `text_delta` / `input_json_delta`, `content_block_stop`,
 * `message_delta`, `message_stop`), and can fail: an HTTP error before the stream, an `error` event
 * in the middle of it, a delay, or a stream that never ends.
 *
 * Scripted errors can carry headers (`retry-after` on a 429) and answers fixed usage counts, so the
 * gateway's cooldowns and cost accounting can be checked to the token.
 *
 * Authentication as the API does it: `x-api-key: <key>` (SDK 0.x) or `Authorization: Bearer <key>`
 * (SDK 1.x); anything else is a 401 `authentication_error`. Every request is recorded.
 */
import http from 'node:http';
import { listenLocally, readBody, sleep, words, type LocalServer } from './local-server';

export type ScriptedBlock =
  | { type: 'text'; text: string; /** How the text is split into deltas (default: words). */ chunks?: string[] }
  | { type: 'tool_use'; id?: string; name: string; input: Record<string, unknown> };

export interface ScriptedResponse {
  /** Answer this HTTP error instead of a message (with `error`). */
  status?: number;
  error?: { type: string; message: string };
  /** Extra response headers (`retry-after` with a 429). */
  headers?: Record<string, string>;
  /** Usage to report instead of the default counts (input: a quarter of the body's length). */
  usage?: { input_tokens: number; output_tokens: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number };
  content?: ScriptedBlock[];
  stop_reason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';
  /** Before the answer starts. */
  delayMs?: number;
  /** Between two stream events. */
  eventDelayMs?: number;
  /** Send this many text deltas, then an `error` event, then end the stream. */
  failAfterDeltas?: { count: number; type: string; message: string };
  /** Send this many text deltas, then nothing more (the connection stays open). */
  hangAfterDeltas?: number;
}

export interface RecordedRequest {
  headers: http.IncomingHttpHeaders;
  /**
   * Resolves when the answer is over: sent to its end, or cut because the client went away (an
   * aborted stream). After it, nothing more of this answer reaches the client.
   */
  ended: Promise<void>;
  body: {
    model?: string;
    max_tokens?: number;
    stream?: boolean;
    system?: unknown;
    messages?: Array<{ role: string; content: unknown }>;
    tools?: unknown[];
  };
}

export const FAKE_ANTHROPIC_KEY = 'sk-ant-test-0123456789';

export class FakeAnthropic {
  url = '';
  readonly requests: RecordedRequest[] = [];
  /** Answered in order; when empty, `fallback` answers. */
  readonly script: ScriptedResponse[] = [];
  fallback: (request: RecordedRequest) => ScriptedResponse = () => ({ content: [{ type: 'text', text: 'Thanks for your message.' }] });
  private server!: LocalServer;
  private counter = 0;

  constructor(readonly apiKey: string = FAKE_ANTHROPIC_KEY) {}

  static async start(apiKey?: string): Promise<FakeAnthropic> {
    const fake = new FakeAnthropic(apiKey);
    fake.server = await listenLocally((req, res) => fake.handle(req, res));
    fake.url = fake.server.url;
    return fake;
  }

  /** The server environment pointing the product at this fake. */
  env(): Record<string, string> {
    return { ANTHROPIC_API_KEY: this.apiKey, ANTHROPIC_BASE_URL: this.url };
  }

  enqueue(...responses: ScriptedResponse[]): void {
    this.script.push(...responses);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/v1/messages') {
      return apiError(res, 404, 'not_found_error', 'Not found');
    }
    const key = req.headers['x-api-key'] ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (key !== this.apiKey) return apiError(res, 401, 'authentication_error', 'invalid x-api-key');
    if (!req.headers['anthropic-version']) return apiError(res, 400, 'invalid_request_error', 'anthropic-version header is required');
    let body: RecordedRequest['body'];
    try {
      body = JSON.parse(raw) as RecordedRequest['body'];
    } catch {
      return apiError(res, 400, 'invalid_request_error', 'Body is not JSON');
    }
    const recorded: RecordedRequest = { headers: req.headers, ended: new Promise((resolve) => res.once('close', () => resolve())), body };
    this.requests.push(recorded);
    if (!body.model || typeof body.max_tokens !== 'number' || !Array.isArray(body.messages)) {
      return apiError(res, 400, 'invalid_request_error', 'model, max_tokens and messages are required');
    }
    const script = this.script.shift() ?? this.fallback(recorded);
    if (script.delayMs) await sleep(script.delayMs);
    if (script.status && script.status >= 400) {
      return apiError(res, script.status, script.error?.type ?? 'api_error', script.error?.message ?? 'Scripted failure', script.headers);
    }
    const id = `msg_fake_${++this.counter}`;
    const content = (script.content ?? []).map((block, i) => (block.type === 'tool_use' ? { ...block, id: block.id ?? `toolu_fake_${this.counter}_${i}` } : block));
    const stopReason = script.stop_reason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
    const usage = { input_tokens: script.usage?.input_tokens ?? raw.length >> 2, output_tokens: 0, ...cacheCounts(script.usage) };
    if (!body.stream) {
      const blocks = content.map((b) => (b.type === 'text' ? { type: 'text', text: b.text } : { type: 'tool_use', id: b.id, name: b.name, input: b.input }));
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${id}` });
      res.end(JSON.stringify({ id, type: 'message', role: 'assistant', model: body.model, content: blocks, stop_reason: stopReason, stop_sequence: null, usage: { ...usage, output_tokens: script.usage?.output_tokens ?? 10 } }));
      return;
    }
    await this.stream(res, id, body.model, content, stopReason, usage, script);
  }

  private async stream(
    res: http.ServerResponse,
    id: string,
    model: string,
    content: Array<ScriptedBlock & { id?: string }>,
    stopReason: string,
    usage: { input_tokens: number; output_tokens: number },
    script: ScriptedResponse,
  ): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_${id}` });
    const send = async (event: string, data: unknown) => {
      if (res.destroyed) return;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      if (script.eventDelayMs) await sleep(script.eventDelayMs);
    };
    await send('message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } });
    let deltas = 0;
    let outputTokens = 0;
    for (const [index, block] of content.entries()) {
      if (block.type === 'text') {
        await send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        await send('ping', { type: 'ping' });
        for (const chunk of block.chunks ?? words(block.text)) {
          if (script.failAfterDeltas && deltas === script.failAfterDeltas.count) {
            await send('error', { type: 'error', error: { type: script.failAfterDeltas.type, message: script.failAfterDeltas.message } });
            res.end();
            return;
          }
          if (script.hangAfterDeltas !== undefined && deltas === script.hangAfterDeltas) return; // never ends
          await send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: chunk } });
          deltas++;
          outputTokens++;
        }
      } else {
        await send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        const json = JSON.stringify(block.input);
        for (let i = 0; i < json.length; i += 16) {
          await send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(i, i + 16) } });
        }
        outputTokens += 5;
      }
      await send('content_block_stop', { type: 'content_block_stop', index });
    }
    await send('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: script.usage?.output_tokens ?? outputTokens } });
    await send('message_stop', { type: 'message_stop' });
    res.end();
  }
}

function apiError(res: http.ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ type: 'error', error: { type, message } }));
}

function cacheCounts(usage: ScriptedResponse['usage']): Record<string, number> {
  const counts: Record<string, number> = {};
  if (usage?.cache_read_input_tokens !== undefined) counts.cache_read_input_tokens = usage.cache_read_input_tokens;
  if (usage?.cache_creation_input_tokens !== undefined) counts.cache_creation_input_tokens = usage.cache_creation_input_tokens;
  return counts;
}
