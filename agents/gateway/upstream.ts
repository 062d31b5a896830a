/**
 * One streamed call to one provider, over plain `http`/`https` with keep-alive connections: the
 * request goes out in the provider's own format and its SSE answer comes back as parsed events, a
 * batch per network chunk (the events that arrived together), read only as fast as the caller pulls.
 *
 * Every failure is an UpstreamError (upstream-error.ts): an HTTP error status (with the vendor's
 * message and `Retry-After`), a connection failure, a timeout — no answer, or no next event, within
 * `timeoutMs` while the caller is waiting (a slow reader never counts against the provider) — and an
 * error reported inside the stream (Anthropic's `error` event, OpenAI's `error` / `response.failed`).
 */
import http from 'node:http';
import https from 'node:https';
import type { UpstreamConfig } from './provider';
import { SseDecoder, type SseEvent } from './sse';
import { retryAfterMs, UpstreamError } from './upstream-error';

export const ANTHROPIC_VERSION = '2023-06-01';
/** An error answer is read up to this many bytes (its message is all we want). */
const ERROR_BODY_LIMIT = 64 * 1024;

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

export interface UpstreamRequest {
  /** The body in the provider's format, with its model; `stream: true` is added here. */
  body: Record<string, unknown>;
  /** `anthropic-beta` passes on to Anthropic providers (Claude Code asks for features with it). */
  anthropicBeta?: string;
  signal?: AbortSignal;
  timeoutMs: number;
}

/** The events of a provider's streamed answer, in non-empty batches; `close()` hangs up early. */
export interface UpstreamStream extends AsyncIterator<SseEvent[], undefined> {
  close(): void;
  /**
   * The answer is complete: reads what is left of the response if it comes at once (its end), so the
   * connection goes back to the pool, else hangs up.
   */
  settle(): Promise<void>;
}

/** How long a complete answer's response may take to end before the connection is dropped. */
const SETTLE_MS = 200;

function endpointOf(config: UpstreamConfig): URL {
  const base = config.baseUrl.replace(/\/+$/, '');
  return new URL(config.kind === 'anthropic' ? `${base}/v1/messages` : `${base}/responses`);
}

function headersOf(config: UpstreamConfig, request: UpstreamRequest, length: number): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': length, accept: 'text/event-stream' };
  if (config.kind === 'anthropic') {
    headers['x-api-key'] = config.apiKey;
    headers['anthropic-version'] = ANTHROPIC_VERSION;
    if (request.anthropicBeta) headers['anthropic-beta'] = request.anthropicBeta;
  } else {
    headers.authorization = `Bearer ${config.apiKey}`;
  }
  return headers;
}

/** How a call's answer is read once the provider's status says it is one. */
interface Reading<T> {
  stream: boolean;
  /** `waiting(false)`: the provider answered, the timer now runs only while the reader waits on it. */
  read(res: http.IncomingMessage, timer: NodeJS.Timeout, finish: () => void, waiting: (value: boolean) => void): T | Promise<T>;
}

/** Opens a streamed call and waits for the provider's status line; throws an UpstreamError when it fails. */
export function openUpstream(config: UpstreamConfig, request: UpstreamRequest): Promise<UpstreamStream> {
  return call(config, request, {
    stream: true,
    read(res, timer, finish, waiting) {
      if (!String(res.headers['content-type'] ?? '').includes('text/event-stream')) {
        finish();
        res.destroy();
        throw new UpstreamError('stream', `answered ${res.headers['content-type'] ?? 'no content type'} instead of an event stream`, { status: res.statusCode });
      }
      waiting(false);
      return eventStream(config, res, timer, finish, waiting);
    },
  });
}

/**
 * A call answered whole (not streamed): the provider's JSON. The time limit covers the whole answer,
 * which a provider sends only once it is complete.
 */
export function fetchUpstream(config: UpstreamConfig, request: UpstreamRequest): Promise<Record<string, any>> {
  return call(config, request, {
    stream: false,
    read: (res, _timer, finish) =>
      readBody(res, Infinity).then(
        (text) => {
          finish();
          try {
            return JSON.parse(text) as Record<string, any>;
          } catch {
            throw new UpstreamError('stream', 'answered a body that is not JSON');
          }
        },
        (error: unknown) => {
          finish();
          throw asUpstreamError(config, error);
        },
      ),
  });
}

function call<T>(config: UpstreamConfig, request: UpstreamRequest, reading: Reading<T>): Promise<T> {
  const url = endpointOf(config);
  const payload = Buffer.from(JSON.stringify({ ...request.body, stream: reading.stream }));
  const client = url.protocol === 'https:' ? https : http;
  const headers = headersOf(config, request, payload.length);
  if (!reading.stream) headers.accept = 'application/json';
  const req = client.request(url, { method: 'POST', agent: url.protocol === 'https:' ? agents.https : agents.http, headers });

  // What a timeout or the client's hang-up destroys: the request until the answer starts, then the
  // answer (so the error we give it is the one its reader gets).
  let current: { destroy(error: Error): void } = req;
  // One timer for the whole call, armed only while we wait on the provider.
  let waiting = true;
  const timer = setTimeout(function expire() {
    if (waiting) current.destroy(new UpstreamError('timeout', `no answer within ${request.timeoutMs} ms`));
  }, request.timeoutMs);
  const onAbort = () => current.destroy(new UpstreamError('aborted', 'The client went away.'));
  request.signal?.addEventListener('abort', onAbort, { once: true });
  const finish = () => {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  };
  if (request.signal?.aborted) onAbort();

  return new Promise<T>((resolve, reject) => {
    req.once('error', (error) => {
      finish();
      reject(asUpstreamError(config, error));
    });
    req.once('response', (res) => {
      current = res;
      const status = res.statusCode ?? 0;
      if (status >= 300) {
        readBody(res, ERROR_BODY_LIMIT).then(
          (text) => {
            finish();
            reject(httpError(status, text, res.headers));
          },
          (error: unknown) => {
            finish();
            reject(asUpstreamError(config, error));
          },
        );
        return;
      }
      try {
        Promise.resolve(reading.read(res, timer, finish, (value) => (waiting = value))).then(resolve, reject);
      } catch (error) {
        reject(error);
      }
    });
    req.end(payload);
  });
}

function eventStream(
  config: UpstreamConfig,
  res: http.IncomingMessage,
  timer: NodeJS.Timeout,
  finish: () => void,
  setWaiting: (waiting: boolean) => void,
): UpstreamStream {
  const decoder = new SseDecoder();
  const chunks = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // An error event after others in one chunk: those are answered first, the error on the next call.
  let failure: UpstreamError | undefined;
  let done = false;
  const close = () => {
    if (done) return;
    done = true;
    finish();
    // Read to its end, the connection goes back to the pool; cut short, it cannot be reused.
    if (!res.complete) res.destroy();
  };
  // A stream that ends or fails without our reading further still releases its timer and listener.
  res.once('close', finish);
  return {
    async next(): Promise<IteratorResult<SseEvent[], undefined>> {
      for (;;) {
        if (failure) {
          close();
          throw failure;
        }
        if (done) return { done: true, value: undefined };
        setWaiting(true);
        timer.refresh();
        let chunk: IteratorResult<Buffer>;
        try {
          chunk = await chunks.next();
        } catch (error) {
          close();
          throw asUpstreamError(config, error);
        } finally {
          setWaiting(false);
        }
        let events: SseEvent[];
        if (chunk.done) {
          events = decoder.end();
          close();
        } else {
          events = decoder.push(chunk.value);
        }
        for (let i = 0; i < events.length; i++) {
          failure = streamFailure(events[i]!);
          if (failure) {
            events.length = i;
            break;
          }
        }
        if (events.length > 0) return { done: false, value: events };
      }
    },
    async return(): Promise<IteratorResult<SseEvent[], undefined>> {
      close();
      return { done: true, value: undefined };
    },
    close,
    async settle(): Promise<void> {
      if (done) return;
      const deadline = setTimeout(close, SETTLE_MS);
      try {
        while (!(await chunks.next()).done); // the rest of a complete answer: its end, nothing more
      } catch {
        // cut by the deadline: the connection is dropped
      } finally {
        clearTimeout(deadline);
        close();
      }
    },
  };
}

/** An error the provider reported inside its stream, as an UpstreamError. */
function streamFailure(event: SseEvent): UpstreamError | undefined {
  if (event.event === 'error') {
    const error = event.data?.error ?? event.data; // Anthropic nests it, OpenAI does not
    return new UpstreamError('stream', describe(error), typeOf(error));
  }
  if (event.event === 'response.failed') {
    const error = event.data?.response?.error;
    return new UpstreamError('stream', describe(error), typeOf(error));
  }
  return undefined;
}

function describe(error: any): string {
  return typeof error?.message === 'string' && error.message ? error.message.slice(0, 500) : 'an error without a message';
}

/** The vendor's error type (Anthropic's `type`, OpenAI's `code`), when it gave one. */
function typeOf(error: any): { type?: string } {
  const type = typeof error?.type === 'string' && error.type !== 'error' ? error.type : error?.code;
  return typeof type === 'string' ? { type } : {};
}

function httpError(status: number, text: string, headers: http.IncomingHttpHeaders): UpstreamError {
  let error: any;
  try {
    const body = JSON.parse(text);
    error = body?.error ?? body;
  } catch {
    error = { message: text.slice(0, 300) };
  }
  const message = typeof error?.message === 'string' && error.message ? error.message.slice(0, 500) : `HTTP ${status}`;
  const retry = retryAfterMs(headers);
  return new UpstreamError('http', message, { status, ...typeOf(error), ...(retry !== undefined ? { retryAfterMs: retry } : {}) });
}

function asUpstreamError(config: UpstreamConfig, error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  return new UpstreamError('connection', `could not reach ${config.baseUrl}${code ? ` (${code})` : ''}`);
}

/** A response's body as text, kept up to `limit` bytes (an error's message is all we want of it). */
function readBody(res: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size < limit) chunks.push(chunk);
      size += chunk.length;
    });
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
  });
}
