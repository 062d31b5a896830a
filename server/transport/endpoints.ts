/**
 * The one adapter from declared endpoints (agents/endpoint.ts) to express: every module's HTTP API,
 * and the server's own, go through here, so every endpoint gets the same token check, origin check,
 * rate limit, body limit, schema validation, error shape and stream handling.
 *
 * Streams: a `FeedStream` is written as Server-Sent Events with `id: <seq>`, resumed from the
 * reader's `Last-Event-ID` (header, or `?last_event_id=`), with the outbox's pause-and-resume policy;
 * a `OneShotStream` is pulled one batch of events (a network chunk of the source) at a time, as fast
 * as the client reads.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Caller, Endpoint, EndpointResult, EventStream, FeedEvent, FeedStream, OneShotStream } from '../../agents/endpoint';
import { PluginError, parseInput } from './errors';
import { followFeed, type Sink } from './outbox';
import { heartbeat, startStream } from './streaming';

/** What the adapter needs from the server. */
export interface EndpointDeps {
  /** The `user` auth: a request's caller, or a refusal (401, 403, 429). */
  authenticate: RequestHandler;
  /** Runs before a stream opens (the per-user cap on open streams). */
  streamGate: RequestHandler;
  bodyLimitBytes: number;
}

/** Unsent bytes past which an SSE reader is behind. */
const MAX_UNSENT_BYTES = 1024 * 1024;

const seqText = z.string().regex(/^\d{1,15}$/, 'must be an event id (a seq number)').transform(Number);

/** The caller the `authenticate` middleware found, for handlers behind it. */
export function callerOf(res: Response): Caller {
  return res.locals.caller as Caller;
}

/** True when the request carries a body (a length, or chunks). */
function hasBody(req: Request): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** The JSON body: `{}` when there is none; a body that is not JSON is refused. */
export function jsonBodyOf(req: Request): unknown {
  if (req.body !== undefined) return req.body;
  if (hasBody(req)) throw new PluginError('INVALID_INPUT', 'The body must be JSON (Content-Type: application/json).');
  return {};
}

/** Mounts `endpoints` on `app`, in order. */
export function mountEndpoints(app: express.Express, endpoints: readonly Endpoint[], deps: EndpointDeps): void {
  const json = express.json({ limit: deps.bodyLimitBytes, strict: true });
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    const key = `${endpoint.method} ${endpoint.path}`;
    if (seen.has(key)) throw new Error(`the endpoint ${key} is declared twice`);
    seen.add(key);
    const chain: RequestHandler[] = [];
    if (endpoint.auth !== 'none') chain.push(deps.authenticate);
    chain.push(endpoint.bodyLimitBytes ? express.json({ limit: endpoint.bodyLimitBytes, strict: true }) : json);
    if (endpoint.stream) chain.push(deps.streamGate);
    chain.push((req, res, next) => {
      handle(endpoint, req, res).catch(next);
    });
    const method = endpoint.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    app[method](endpoint.path, ...chain);
  }
}

async function handle(endpoint: Endpoint, req: Request, res: Response): Promise<void> {
  const controller = new AbortController();
  // Only a client that hangs up before the answer is over aborts the work (an abort costs an exception).
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  // An endpoint without a body schema ignores any body it is sent.
  const body = endpoint.body ? parseInput(endpoint.body, jsonBodyOf(req)) : undefined;
  const result = await endpoint.handle({
    caller: res.locals.caller as Caller,
    params: endpoint.params ? parseInput(endpoint.params, req.params) : req.params,
    query: endpoint.query ? parseInput(endpoint.query, req.query) : {},
    body,
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
    signal: controller.signal,
  });
  if (res.headersSent) return; // the client hung up and something already answered
  send(result, req, res);
}

function send(result: EndpointResult, req: Request, res: Response): void {
  if ('json' in result) {
    if (result.headers) res.set(result.headers);
    res.status(result.status ?? 200).json(result.json);
  } else if ('html' in result) {
    if (result.headers) res.set(result.headers);
    res.status(result.status ?? 200).type('html').send(result.html);
  } else if ('redirect' in result) {
    res.set('Cache-Control', 'no-store');
    res.redirect(result.status ?? 302, result.redirect);
  } else {
    writeStream(result.stream, req, res);
  }
}

function isFeed(stream: EventStream): stream is FeedStream {
  return 'feed' in stream;
}

/**
 * One SSE event. JSON.stringify escapes newlines, so the data is always a single `data:` line (a
 * `raw` text is JSON read from one `data:` line, so it holds none either).
 */
export function sseText(event: FeedEvent): string {
  return `${event.id === undefined ? '' : `id: ${event.id}\n`}event: ${event.event}\ndata: ${event.raw ?? JSON.stringify(event.data)}\n\n`;
}

function writeStream(stream: EventStream, req: Request, res: Response): void {
  if (isFeed(stream)) writeFeed(stream, req, res);
  else void writeOneShot(stream, res);
}

export function responseSink(res: Response, maxUnsent: number): Sink {
  return {
    behind: () => res.writableLength > maxUnsent,
    onDrain: (callback) => res.once('drain', callback),
    open: () => !res.writableEnded && !res.destroyed,
  };
}

function writeFeed(stream: FeedStream, req: Request, res: Response): void {
  const header = req.headers['last-event-id'];
  const fromHeader = typeof header === 'string' ? parseInput(seqText, header, 'Last-Event-ID') : undefined;
  const fromQuery = typeof req.query.last_event_id === 'string' ? parseInput(seqText, req.query.last_event_id, 'last_event_id') : undefined;
  startStream(res, 'text/event-stream; charset=utf-8');
  const sink = responseSink(res, MAX_UNSENT_BYTES);
  const write = (event: FeedEvent) => {
    if (sink.open()) res.write(sseText(event));
  };
  for (const event of stream.hello ?? []) write(event);
  const stop = followFeed(sink, stream.feed, fromHeader ?? fromQuery ?? stream.after, write);
  if (stream.heartbeat) {
    const beat = stream.heartbeat.event;
    heartbeat(res, stream.heartbeat.ms, () => write(beat()));
  }
  res.on('close', stop);
}

async function writeOneShot(stream: OneShotStream, res: Response): Promise<void> {
  // The headers wait for the first batch (corked for one turn of the event loop), so a short answer
  // leaves in one packet; then each batch is one write, one HTTP chunk.
  res.cork();
  setImmediate(() => res.uncork());
  if (stream.headers) res.set(stream.headers);
  startStream(res, 'text/event-stream; charset=utf-8', stream.status);
  const iterator = stream.events[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await nextUnlessClosed(iterator, res);
      if (next === CLOSED || next.done || res.destroyed) break;
      let text = '';
      for (const event of next.value) text += sseText(event);
      if (text && !res.write(text) && !(await drained(res))) break;
    }
  } catch (error) {
    console.error('[http] a stream failed:', error);
  } finally {
    await iterator.return?.();
    if (!res.writableEnded) res.end();
  }
}

const CLOSED = Symbol('closed');

/**
 * The iterator's next event, or CLOSED as soon as the client hangs up while it is awaited (a producer
 * may take minutes to its next event). One listener per wait, removed after it: a race against one
 * long-lived "closed" promise would keep a reaction per event until the stream ends.
 */
function nextUnlessClosed<T>(iterator: AsyncIterator<T>, res: Response): Promise<IteratorResult<T> | typeof CLOSED> {
  if (res.destroyed) return Promise.resolve(CLOSED);
  return new Promise((resolve, reject) => {
    const onClose = () => resolve(CLOSED);
    res.once('close', onClose);
    iterator.next().then(
      (next) => {
        res.off('close', onClose);
        resolve(next);
      },
      (error: unknown) => {
        res.off('close', onClose);
        reject(error);
      },
    );
  });
}

/** Resolves true when the response drained, false when it closed first. */
function drained(res: Response): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (value: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(value);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/** Express's own errors, thrown before a handler runs, as refusals in the one shape. */
export function requestErrorOf(error: unknown): unknown {
  const type = (error as { type?: string } | null)?.type;
  if (type === 'entity.too.large') return new PluginError('PAYLOAD_TOO_LARGE', 'The request body is larger than the limit.');
  if (type === 'entity.parse.failed') return new PluginError('INVALID_INPUT', 'The request body is not valid JSON.');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new PluginError('INVALID_INPUT', 'Unsupported body encoding.');
  // The router's and body-parser's other 4xx (a malformed % escape in a path, a body that does not
  // inflate) are the client's mistakes, not bugs.
  const status = (error as { status?: unknown } | null)?.status;
  if (!(error instanceof PluginError) && typeof status === 'number' && status >= 400 && status < 500) {
    if (error instanceof URIError) return new PluginError('INVALID_INPUT', 'The request path has a malformed % escape.');
    return new PluginError('INVALID_INPUT', 'The request body could not be read: it does not match its Content-Encoding or Content-Length.');
  }
  return error;
}

/** For error handlers: `next` is part of express's error-handler signature. */
export type ErrorHandler = (error: unknown, req: Request, res: Response, next: NextFunction) => void;
