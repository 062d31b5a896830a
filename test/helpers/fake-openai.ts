/**
 * A local stand-in for the OpenAI Responses API (`POST /v1/responses`), for tests that drive the real
 * `openai` SDK (or the gateway) through its base URL (`<url>/v1`). It answers scripted responses in
 * order, as a JSON Response or as the real SSE stream (`response.created`, `response.in_progress`,
 * `response.output_item.added`, `response.content_part.added`, `response.output_text.delta`…,
 * `.done` events, `response.function_call_arguments.delta`…, `response.completed` or
 * `response.incomplete`, each with its `sequence_number`), and can fail: an HTTP error before the
 * stream (with headers such as `retry-after`), an `error` event after some deltas, a delay, or a
 * stream that never ends.
 *
 * It stores nothing: a request with `previous_response_id` is refused as the API refuses an id it does
 * not know, so a test proves the gateway sent the whole conversation instead. Authentication:
 * `Authorization: Bearer <key>`; anything else is a 401 `invalid_api_key`. Every request is recorded.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { listenLocally, readBody, sleep, words, type LocalServer } from './local-server';

export type ScriptedItem =
  | { type: 'text'; text: string; /** How the text is split into deltas (default: words). */ chunks?: string[] }
  | { type: 'function_call'; name: string; arguments: Record<string, unknown>; call_id?: string };

export interface ScriptedOpenAiResponse {
  status?: number;
  error?: { type: string; code?: string; message: string };
  headers?: Record<string, string>;
  output?: ScriptedItem[];
  /** End with `response.incomplete` (the token limit). */
  incomplete?: boolean;
  usage?: { input_tokens: number; output_tokens: number; cached_tokens?: number };
  delayMs?: number;
  eventDelayMs?: number;
  /** Send this many text deltas, then an `error` event, then end the stream. */
  failAfterDeltas?: { count: number; code: string; message: string };
  /** Send this many text deltas, then nothing more (the connection stays open). */
  hangAfterDeltas?: number;
}

export interface RecordedOpenAiRequest {
  headers: http.IncomingHttpHeaders;
  body: Record<string, any>;
  ended: Promise<void>;
}

export const FAKE_OPENAI_KEY = 'sk-openai-test-0123456789';

type Json = Record<string, any>;

export class FakeOpenAI {
  url = '';
  readonly requests: RecordedOpenAiRequest[] = [];
  readonly script: ScriptedOpenAiResponse[] = [];
  fallback: (request: RecordedOpenAiRequest) => ScriptedOpenAiResponse = () => ({ output: [{ type: 'text', text: 'Hello from OpenAI.' }] });
  private server!: LocalServer;

  constructor(readonly apiKey: string = FAKE_OPENAI_KEY) {}

  static async start(apiKey?: string): Promise<FakeOpenAI> {
    const fake = new FakeOpenAI(apiKey);
    fake.server = await listenLocally((req, res) => fake.handle(req, res));
    fake.url = fake.server.url;
    return fake;
  }

  /** The SDK's base URL (`OPENAI_BASE_URL`). */
  get baseUrl(): string {
    return `${this.url}/v1`;
  }

  enqueue(...responses: ScriptedOpenAiResponse[]): void {
    this.script.push(...responses);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/v1/responses') return apiError(res, 404, { type: 'invalid_request_error', message: 'Not found' });
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return apiError(res, 401, { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' });
    }
    let body: Json;
    try {
      body = JSON.parse(raw) as Json;
    } catch {
      return apiError(res, 400, { type: 'invalid_request_error', message: 'We could not parse the JSON body of your request.' });
    }
    const recorded: RecordedOpenAiRequest = { headers: req.headers, body, ended: new Promise((resolve) => res.once('close', () => resolve())) };
    this.requests.push(recorded);
    if (typeof body.model !== 'string' || (typeof body.input !== 'string' && !Array.isArray(body.input))) {
      return apiError(res, 400, { type: 'invalid_request_error', message: 'model and input are required.' });
    }
    if (body.previous_response_id) {
      return apiError(res, 400, { type: 'invalid_request_error', code: 'previous_response_not_found', message: `Previous response with id '${body.previous_response_id}' not found.` });
    }
    const script = this.script.shift() ?? this.fallback(recorded);
    if (script.delayMs) await sleep(script.delayMs);
    if (script.status && script.status >= 400) {
      return apiError(res, script.status, script.error ?? { type: 'server_error', message: 'Scripted failure' }, script.headers);
    }
    const id = `resp_fake_${crypto.randomBytes(6).toString('hex')}`;
    const output = (script.output ?? []).map((item) => outputItem(item));
    const items = output.map(({ chunks: _chunks, ...item }) => item);
    const usage = usageOf(script, raw);
    const response = (status: string, items: Json[]) => ({
      id,
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status,
      error: null,
      incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
      instructions: body.instructions ?? null,
      model: body.model,
      output: items,
      parallel_tool_calls: true,
      temperature: null,
      tool_choice: body.tool_choice ?? 'auto',
      tools: body.tools ?? [],
      top_p: null,
      usage: status === 'in_progress' ? null : usage,
    });
    const finalStatus = script.incomplete ? 'incomplete' : 'completed';
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${id}` });
      res.end(JSON.stringify(response(finalStatus, items)));
      return;
    }
    await this.stream(res, script, output, items, response, finalStatus);
  }

  private async stream(res: http.ServerResponse, script: ScriptedOpenAiResponse, output: Json[], items: Json[], response: (status: string, items: Json[]) => Json, finalStatus: string): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let sequence = 0;
    const send = async (type: string, fields: Json) => {
      if (res.destroyed) return;
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`);
      if (script.eventDelayMs) await sleep(script.eventDelayMs);
    };
    await send('response.created', { response: response('in_progress', []) });
    await send('response.in_progress', { response: response('in_progress', []) });
    let deltas = 0;
    for (const [outputIndex, item] of output.entries()) {
      if (item.type === 'message') {
        const text: string = item.content[0].text;
        await send('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
        await send('response.content_part.added', { item_id: item.id, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
        for (const chunk of item.chunks as string[]) {
          if (script.failAfterDeltas && deltas === script.failAfterDeltas.count) {
            await send('error', { code: script.failAfterDeltas.code, message: script.failAfterDeltas.message, param: null });
            res.end();
            return;
          }
          if (script.hangAfterDeltas !== undefined && deltas === script.hangAfterDeltas) return; // never ends
          await send('response.output_text.delta', { item_id: item.id, output_index: outputIndex, content_index: 0, delta: chunk, logprobs: [] });
          deltas++;
        }
        await send('response.output_text.done', { item_id: item.id, output_index: outputIndex, content_index: 0, text, logprobs: [] });
        await send('response.content_part.done', { item_id: item.id, output_index: outputIndex, content_index: 0, part: item.content[0] });
      } else {
        await send('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } });
        for (let i = 0; i < item.arguments.length; i += 16) {
          await send('response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta: item.arguments.slice(i, i + 16) });
        }
        await send('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, arguments: item.arguments });
      }
      await send('response.output_item.done', { output_index: outputIndex, item: items[outputIndex] });
    }
    await send(finalStatus === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: response(finalStatus, items) });
    res.end();
  }
}

/** A scripted item as the API's output item (text items keep their chunks aside for streaming). */
function outputItem(item: ScriptedItem): Json {
  if (item.type === 'text') {
    return { id: `msg_${crypto.randomBytes(6).toString('hex')}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: item.text, annotations: [] }], chunks: item.chunks ?? words(item.text) };
  }
  return { id: `fc_${crypto.randomBytes(6).toString('hex')}`, type: 'function_call', status: 'completed', call_id: item.call_id ?? `call_${crypto.randomBytes(6).toString('hex')}`, name: item.name, arguments: JSON.stringify(item.arguments) };
}

function usageOf(script: ScriptedOpenAiResponse, raw: string): Json {
  const input = script.usage?.input_tokens ?? raw.length >> 2;
  const output = script.usage?.output_tokens ?? 10;
  return { input_tokens: input, input_tokens_details: { cached_tokens: script.usage?.cached_tokens ?? 0 }, output_tokens: output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + output };
}

function apiError(res: http.ServerResponse, status: number, error: { type: string; code?: string; message: string }, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ error: { message: error.message, type: error.type, param: null, code: error.code ?? null } }));
}
