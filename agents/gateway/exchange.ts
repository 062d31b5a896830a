/**
 * One attempt at answering a client through one provider: the request goes out in the provider's
 * format (as it came when the formats match, translated when they do not), and the provider's stream
 * comes back as events in the client's format.
 *
 * `openAnswer` resolves once the answer is committed: it reads ahead through the events that carry no
 * content yet (`message_start`, an empty block's start, `response.created`, pings) and holds them, so a provider that fails
 * before its first word — an error status, a refused connection, a timeout, an `error` event right
 * after the start — fails the attempt and the router moves on, with nothing sent to the client. After
 * that the events are pulled as the client reads, a batch per network chunk of the provider's (an
 * await per event would cost more than the event); a failure then throws from `next()`.
 */
import type { WireApi } from './provider';
import type { RouteTarget } from './router';
import type { SseEvent } from './sse';
import { responsesRequestFromMessages } from './translate/from-messages-request';
import { messagesRequestFromResponses } from './translate/from-responses-request';
import { MessageAccumulator } from './translate/message-accumulator';
import { MessagesFromResponses } from './translate/to-messages-events';
import { ResponsesFromMessages } from './translate/to-responses-events';
import { fetchUpstream, openUpstream, type UpstreamStream } from './upstream';
import { UpstreamError } from './upstream-error';
import { UsageMeter, type TokenUsage } from './usage';

type Json = Record<string, any>;

export interface ClientCall {
  /** The client's wire format: the request's and the answer's. */
  api: WireApi;
  /** The request as the client sent it (its model is replaced by the target's). */
  body: Json;
  /** The id the client's Response gets (OpenAI clients). */
  responseId: string;
  /** The `previous_response_id` the gateway expanded, echoed in the Response. */
  previousResponseId?: string;
  anthropicBeta?: string;
  signal?: AbortSignal;
  /** Build the whole answer too (non-streamed requests, the product's own callers). */
  wantFinal?: boolean;
}

export interface Answer {
  /** The answer's events in the client's format, in non-empty batches; throws an UpstreamError when the provider fails. */
  events: AsyncIterator<readonly SseEvent[], undefined>;
  /** Reads the answer to its end without handing out its events (for `final()`); throws like `events`. */
  drain(): Promise<void>;
  usage(): TokenUsage | undefined;
  /** The whole answer in the client's format (a Message, a Response), once the stream has ended. */
  final(): Json | undefined;
  /** Hangs up on the provider (the client went away). */
  close(): void;
}

interface Converter {
  push(event: SseEvent): SseEvent[];
  final(): Json | undefined;
}

/** Events that open an answer or a block without content yet: held back until the first one with content. */
const PREAMBLE = new Set([
  'message_start',
  'ping',
  'content_block_start',
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.content_part.added',
]);
/** The event that ends a complete answer, per client format. */
const TERMINAL: Record<WireApi, ReadonlySet<string>> = {
  anthropic: new Set(['message_stop']),
  openai: new Set(['response.completed', 'response.incomplete']),
};

export async function openAnswer(target: RouteTarget, call: ClientCall, timeoutMs: number): Promise<Answer> {
  const kind = target.config.kind;
  const body = upstreamBody(kind, call, target.model); // a TranslationError: this provider cannot take it
  const upstream = await openUpstream(target.config, { body, ...upstreamOptions(target, call, timeoutMs) });
  const converter = converterFor(kind, call);
  const meter = new UsageMeter(kind);
  const terminal = TERMINAL[call.api];
  let finished = false;

  /** The next batch of client events from the provider; [] at the end of a complete answer. */
  const pull = async (): Promise<SseEvent[]> => {
    for (;;) {
      const next = await upstream.next();
      if (next.done) {
        if (finished) return [];
        throw new UpstreamError('stream', `${target.config.name} ended its stream before the answer was complete`);
      }
      const events: SseEvent[] = [];
      for (const event of next.value) {
        meter.observe(event);
        for (const converted of converter.push(event)) {
          if (terminal.has(converted.event)) finished = true;
          events.push(converted);
        }
      }
      if (events.length > 0) return events;
    }
  };

  // Read ahead to the first event with content (or the end): the commit point.
  let pending: SseEvent[] = [];
  try {
    for (;;) {
      const events = await pull();
      pending.push(...events);
      if (events.length === 0 || events.some((event) => !PREAMBLE.has(event.event))) break;
    }
  } catch (error) {
    upstream.close();
    throw error;
  }

  const events: AsyncIterator<readonly SseEvent[], undefined> = {
    async next() {
      if (pending.length === 0) {
        if (finished) {
          await upstream.settle();
          return { done: true, value: undefined };
        }
        try {
          pending = await pull();
        } catch (error) {
          upstream.close();
          throw error;
        }
        if (pending.length === 0) return close(upstream);
      }
      const batch = pending;
      pending = [];
      return { done: false, value: batch };
    },
    async return() {
      return close(upstream);
    },
  };
  const drain = async () => {
    try {
      while (!finished) await pull();
      await upstream.settle();
    } catch (error) {
      upstream.close();
      throw error;
    }
  };
  return { events, drain, usage: () => meter.result(), final: () => converter.final(), close: () => upstream.close() };
}

/**
 * A whole answer (the client did not ask for a stream) from a provider of the client's own format:
 * asked for whole too, and passed on as it came, but for the Response's id (OpenAI clients).
 */
export async function fetchWhole(target: RouteTarget, call: ClientCall, timeoutMs: number): Promise<Answer> {
  const answer = await fetchUpstream(target.config, { body: { ...call.body, model: target.model }, ...upstreamOptions(target, call, timeoutMs) });
  const meter = new UsageMeter(call.api);
  if (call.api === 'openai') {
    answer.id = call.responseId;
    answer.previous_response_id = call.previousResponseId ?? null;
    meter.observe({ event: 'response.completed', data: { response: answer } });
  } else {
    meter.observe({ event: 'message_start', data: { message: answer } });
  }
  const none: AsyncIterator<readonly SseEvent[], undefined> = { next: async () => ({ done: true, value: undefined }) };
  return { events: none, drain: async () => undefined, usage: () => meter.result(), final: () => answer, close: () => undefined };
}

function upstreamOptions(target: RouteTarget, call: ClientCall, timeoutMs: number) {
  return {
    ...(target.config.kind === 'anthropic' && call.anthropicBeta ? { anthropicBeta: call.anthropicBeta } : {}),
    ...(call.signal ? { signal: call.signal } : {}),
    timeoutMs,
  };
}

function close(upstream: UpstreamStream): IteratorReturnResult<undefined> {
  upstream.close();
  return { done: true, value: undefined };
}

/** The request in the provider's format, for the provider's model. */
function upstreamBody(kind: WireApi, call: ClientCall, model: string): Json {
  if (kind === call.api) return { ...call.body, model };
  return kind === 'anthropic' ? messagesRequestFromResponses(call.body, model) : responsesRequestFromMessages(call.body, model);
}

function converterFor(kind: WireApi, call: ClientCall): Converter {
  if (call.api === 'openai') {
    const echo = { ...call.body, previous_response_id: call.previousResponseId ?? null };
    return kind === 'openai' ? new ResponsesPassThrough(call.responseId, call.previousResponseId ?? null) : new ResponsesFromMessages(call.responseId, echo);
  }
  const accumulator = call.wantFinal ? new MessageAccumulator() : undefined;
  const translator = kind === 'openai' ? new MessagesFromResponses() : undefined;
  const inner: Converter = { push: translator ? (event) => translator.push(event) : (event) => [event], final: () => undefined };
  if (!accumulator) return inner;
  return {
    push(event) {
      const events = inner.push(event);
      for (const e of events) accumulator.push(e);
      return events;
    },
    final: () => accumulator.final(),
  };
}

/** The Responses events that carry the whole Response (and so its id). */
const RESPONSE_EVENTS = new Set(['response.created', 'response.queued', 'response.in_progress', 'response.completed', 'response.incomplete', 'response.failed']);

/**
 * A Responses stream from a Responses provider, as it came, but for the Response's id: the gateway's
 * own, because the gateway (not the provider) is where `previous_response_id` is looked up.
 */
class ResponsesPassThrough implements Converter {
  private response: Json | undefined;

  constructor(
    private readonly responseId: string,
    private readonly previousResponseId: string | null,
  ) {}

  push(event: SseEvent): SseEvent[] {
    if (!RESPONSE_EVENTS.has(event.event)) return [event]; // deltas pass as they came, unparsed
    const response = event.data?.response;
    if (response && typeof response === 'object') {
      response.id = this.responseId;
      response.previous_response_id = this.previousResponseId;
      if (event.event === 'response.completed' || event.event === 'response.incomplete') this.response = response;
    }
    return [event];
  }

  final(): Json | undefined {
    return this.response;
  }
}
