/**
 * The gateway's HTTP endpoints, under its prefix (`/v1` by default, so `OPENAI_BASE_URL=<server>/v1`
 * and `ANTHROPIC_BASE_URL=<server>` reach them):
 *
 *   POST <prefix>/responses   OpenAI Responses API (streamed with `stream: true`)
 *   POST <prefix>/messages    Anthropic Messages API (streamed with `stream: true`)
 *   GET  <prefix>/models      the models the providers list (Anthropic's format with `anthropic-version`)
 *   GET  <prefix>/status      providers, cooldowns, errors, usage, the lock
 *   GET  <prefix>/health      {"status": "ok"} (no token: it tells nothing)
 *   GET  <parent>/status, <parent>/health   the same, where the model gateway document's clients ask
 *                             (`/status`, `/health` beside `base_url = …/v1`); the server's own
 *                             `/health` answers the same at the root
 *
 * They are public to the transport (`auth: 'none'`) and check the token themselves, because a refusal
 * must be in the client's own API format: a 401 an SDK reads as a bad key.
 */
import { z } from 'zod';
import { endpoint, type Endpoint, type EndpointRequest } from '../endpoint';
import type { ModelGateway } from './gateway';
import type { WireApi } from './provider';

/** The format a request without a body speaks: Anthropic's SDK always sends `anthropic-version`. */
function apiOf(request: EndpointRequest<unknown, unknown, unknown>): WireApi {
  return request.header('anthropic-version') ? 'anthropic' : 'openai';
}

export function gatewayEndpoints(gateway: ModelGateway, prefix: string, bodyLimitBytes: number): Endpoint[] {
  // The prefix ends in /v1 (config.ts): its parent is where the document's /status and /health are.
  const parent = prefix.replace(/\/v1$/, '');
  const status = (path: string): Endpoint =>
    endpoint({
      method: 'GET',
      path,
      auth: 'none',
      handle: (request) => {
        const grant = gateway.authenticate(request.header);
        return grant ? { json: gateway.status(grant) } : gateway.unauthorized(apiOf(request), request.header);
      },
    });
  const health = (path: string): Endpoint => endpoint({ method: 'GET', path, auth: 'none', handle: () => ({ json: { status: 'ok' } }) });
  const model = (path: string, api: WireApi): Endpoint =>
    endpoint<Record<string, never>, Record<string, never>, unknown>({
      method: 'POST',
      path: `${prefix}/${path}`,
      auth: 'none',
      body: z.unknown(),
      bodyLimitBytes,
      handle: (request) => {
        const grant = gateway.authenticate(request.header);
        if (!grant) return gateway.unauthorized(api, request.header);
        return gateway.serve(api, grant, request);
      },
    });
  return [
    model('responses', 'openai'),
    model('messages', 'anthropic'),
    endpoint({
      method: 'GET',
      path: `${prefix}/models`,
      auth: 'none',
      handle: (request) => {
        const api = apiOf(request);
        return gateway.authenticate(request.header) ? gateway.models(api) : gateway.unauthorized(api, request.header);
      },
    }),
    status(`${prefix}/status`),
    health(`${prefix}/health`),
    status(`${parent}/status`),
    // At the root, the server's own /health answers (server/transport/http.ts).
    ...(parent === '' ? [] : [health(`${parent}/health`)]),
  ];
}
