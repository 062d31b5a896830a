/**
 * The model gateway's service: one request of a client (OpenAI Responses or Anthropic Messages, streamed
 * or not), authenticated, checked, its conversation expanded, routed with failover, relayed, and counted.
 * The HTTP endpoints (endpoints.ts) are a thin layer over it; tests and the bench call it through them.
 */
import { z } from 'zod';
import type { EndpointResult, FeedEvent } from '../endpoint';
import { apiError, describeFailure, streamErrorEvent } from './api-errors';
import type { ConversationStore } from './conversations';
import { fetchWhole, openAnswer, type Answer, type ClientCall } from './exchange';
import { presentedToken, type GatewayGrants, type Grant } from './grants';
import type { UsageLedger, UsageTotals } from './ledger';
import { costOf, priceOf } from './prices';
import type { ModelPrice, WireApi } from './provider';
import { ExhaustedError, NoRouteError, type ModelRouter, type RouteTarget, type RouterStatus } from './router';
import { inputItems } from './translate/from-responses-request';
import { newId } from './translate/ids';
import { TranslationError, UpstreamError } from './upstream-error';
import type { TokenUsage } from './usage';

type Json = Record<string, any>;

export interface GatewayOptions {
  router: ModelRouter;
  grants: GatewayGrants;
  conversations: ConversationStore;
  ledger: UsageLedger;
  /** The price table (defaults and A2UI_GATEWAY_PRICES); a provider's own prices come first. */
  prices: Readonly<Record<string, ModelPrice>>;
}

/** What an endpoint hands the gateway of its request. */
export interface GatewayRequest {
  header(name: string): string | undefined;
  body: unknown;
  signal: AbortSignal;
}

const modelField = z.string().min(1, 'must name a model').max(256);

const responsesBody = z.looseObject({
  model: modelField,
  input: z.union([z.string(), z.array(z.looseObject({}))]).optional(),
  stream: z.boolean().optional(),
  previous_response_id: z.string().max(256).nullish(),
});

const messagesBody = z.looseObject({
  model: modelField,
  max_tokens: z.number().int().positive(),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']) })).min(1),
  stream: z.boolean().optional(),
});

/** `path: message` of the first issue, naming the field as the client sent it. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join('.') || 'body'}: ${issue.message}`;
}

export class ModelGateway {
  constructor(private readonly options: GatewayOptions) {}

  get router(): ModelRouter {
    return this.options.router;
  }

  /** The grant of the request's token (Bearer or x-api-key), or undefined. */
  authenticate(header: (name: string) => string | undefined): Grant | undefined {
    const grants = this.options.grants;
    const bearer = presentedToken((name) => (name === 'authorization' ? header(name) : undefined));
    const key = header('x-api-key')?.trim();
    return grants.resolve(bearer) ?? grants.resolve(key || undefined);
  }

  /** The 401 of `api`, for a request without a valid token. */
  unauthorized(api: WireApi, header: (name: string) => string | undefined): EndpointResult {
    const presented = presentedToken(header) !== undefined;
    return apiError(api, {
      status: 401,
      message: presented ? 'The token is not valid for this gateway.' : 'Missing token: send Authorization: Bearer <token> or x-api-key: <token>.',
      code: 'invalid_api_key',
    });
  }

  /** `POST /v1/responses` and `POST /v1/messages`. */
  async serve(api: WireApi, grant: Grant, request: GatewayRequest): Promise<EndpointResult> {
    const parsed = (api === 'openai' ? responsesBody : messagesBody).safeParse(request.body);
    if (!parsed.success) return apiError(api, { status: 400, message: firstIssue(parsed.error), param: parsed.error.issues[0]?.path.join('.') ?? null });
    const body = parsed.data as Json;
    const prepared = api === 'openai' ? this.expandConversation(grant, body) : { body, ownInput: [] as Json[] };
    if ('error' in prepared) return prepared.error;
    const call: ClientCall = {
      api,
      body: prepared.body,
      responseId: newId('resp'),
      ...(typeof body.previous_response_id === 'string' ? { previousResponseId: body.previous_response_id } : {}),
      ...(request.header('anthropic-beta') ? { anthropicBeta: request.header('anthropic-beta') } : {}),
      signal: request.signal,
      wantFinal: body.stream !== true,
    };
    const done: Done = (target, answer, complete) => this.finish(grant, target, call, prepared.ownInput, answer, complete);
    try {
      return body.stream === true ? await this.stream(call, done) : await this.whole(call, done);
    } catch (error) {
      if (!isExpected(error)) console.error('[gateway] request failed:', error);
      return apiError(api, describeFailure(error, () => this.options.router.soonestRecoveryMs()));
    }
  }

  /** `GET /v1/models`: in Anthropic's format when the client speaks it (`anthropic-version`). */
  models(api: WireApi): EndpointResult {
    const names = this.options.router.models();
    if (api === 'anthropic') {
      const data = names.map((id) => ({ type: 'model', id, display_name: id, created_at: '1970-01-01T00:00:00Z' }));
      return { json: { data, has_more: false, first_id: names[0] ?? null, last_id: names.at(-1) ?? null } };
    }
    return { json: { object: 'list', data: names.map((id) => ({ id, object: 'model', created: 0, owned_by: 'a2ui-gateway' })) } };
  }

  /** `GET /v1/status`: the providers' health and usage, the lock, and the caller's own usage. */
  status(grant: Grant): GatewayStatus {
    const router = this.options.router.status();
    const ledger = this.options.ledger;
    return {
      ...router,
      providers: router.providers.map((provider) => ({ ...provider, usage: ledger.forProvider(provider.name) })),
      usage: { user: ledger.forUser(grant.userId), ...(grant.session ? { session: ledger.forSession(grant.session.sessionId) ?? null } : {}) },
      session_tokens: this.options.grants.active,
    };
  }

  /** Counts one answer's usage for the user (and the session) it was for, if any. */
  account(grant: Grant | null, target: RouteTarget, usage: TokenUsage): void {
    const costUsd = costOf(usage, priceOf(target.model, target.config.prices, this.options.prices));
    this.options.ledger.record({ at: new Date().toISOString(), userId: grant?.userId ?? null, ...(grant?.session ? { session: grant.session } : {}), provider: target.config.name, model: target.model, usage, costUsd });
  }

  /**
   * A Responses request with `previous_response_id`: the stored conversation, then this request's
   * input. The provider gets it all and no id (so any provider can take the next turn).
   */
  private expandConversation(grant: Grant, body: Json): { body: Json; ownInput: Json[] } | { error: EndpointResult } {
    let ownInput: Json[];
    try {
      ownInput = inputItems(body.input);
    } catch (error) {
      return { error: apiError('openai', { status: 400, message: (error as Error).message, param: 'input' }) };
    }
    const { previous_response_id: previous, ...rest } = body;
    if (typeof previous !== 'string' || previous === '') return { body: { ...rest, input: ownInput }, ownInput };
    const history = this.options.conversations.expand(grant.userId, previous);
    if (!history) {
      return { error: apiError('openai', { status: 400, message: `Previous response with id '${previous}' not found.`, param: 'previous_response_id', code: 'previous_response_not_found' }) };
    }
    return { body: { ...rest, input: [...history, ...ownInput] }, ownInput };
  }

  private async stream(call: ClientCall, done: Done): Promise<EndpointResult> {
    const router = this.options.router;
    const { value: answer, target } = await router.route(call.body.model, (t) => openAnswer(t, call, router.timeoutMs), { signal: call.signal! });
    return { stream: { events: this.relay(call.api, target, answer, done), headers: { 'x-a2ui-provider': target.config.name } } };
  }

  /**
   * The committed answer's events to the client. A provider that fails now cannot be replaced (the
   * client has part of the answer): it cools down, and the client gets an error event in its format.
   */
  private async *relay(api: WireApi, target: RouteTarget, answer: Answer, done: Done): AsyncGenerator<readonly FeedEvent[]> {
    /** Responses events are numbered from 0: the count so far is the next number. */
    let sequence = 0;
    let complete = false;
    try {
      for (;;) {
        const next = await answer.events.next();
        if (next.done) break;
        sequence += next.value.length;
        yield next.value;
      }
      complete = true;
    } catch (error) {
      if (error instanceof UpstreamError) {
        if (error.failure !== 'aborted') this.options.router.failed(target, error);
        yield [streamErrorEvent(api, `${target.config.name}: ${error.message}`, sequence)];
      } else {
        console.error('[gateway] relaying an answer failed:', error);
        yield [streamErrorEvent(api, 'The gateway failed; the details are in the server log.', sequence)];
      }
    } finally {
      answer.close();
      done(target, answer, complete);
    }
  }

  /**
   * A whole answer (not streamed to the client), complete inside the attempt, so any failure fails
   * over: asked whole from a provider of the client's format, else streamed, translated and folded.
   */
  private async whole(call: ClientCall, done: Done): Promise<EndpointResult> {
    const router = this.options.router;
    const { value: answer, target } = await router.route(
      call.body.model,
      async (t) => {
        if (t.config.kind === call.api) return fetchWhole(t, call, router.timeoutMs);
        const answer = await openAnswer(t, call, router.timeoutMs);
        await answer.drain();
        return answer;
      },
      { signal: call.signal! },
    );
    done(target, answer, true);
    return { json: answer.final(), headers: { 'x-a2ui-provider': target.config.name } };
  }

  /**
   * The end of an answer. A complete one: the provider is healthy, the usage counted, the response kept
   * for the next turn. A cut one still cost what the provider reported so far: counted, not kept.
   */
  private finish(grant: Grant, target: RouteTarget, call: ClientCall, ownInput: Json[], answer: Answer, complete: boolean): void {
    if (complete) this.options.router.served(target);
    const usage = answer.usage();
    if (usage) this.account(grant, target, usage);
    const final = complete ? answer.final() : undefined;
    if (call.api === 'openai' && final) this.options.conversations.save(grant.userId, call.responseId, call.previousResponseId ?? null, ownInput, final.output ?? []);
  }
}

export interface GatewayStatus extends Omit<RouterStatus, 'providers'> {
  providers: Array<RouterStatus['providers'][number] & { usage: UsageTotals }>;
  usage: { user: UsageTotals; session?: UsageTotals | null };
  session_tokens: number;
}

type Done = (target: RouteTarget, answer: Answer, complete: boolean) => void;

/** Failures that are answers (no route, a refusal, providers down), not bugs to log. */
function isExpected(error: unknown): boolean {
  return error instanceof UpstreamError || error instanceof NoRouteError || error instanceof ExhaustedError || error instanceof TranslationError;
}
