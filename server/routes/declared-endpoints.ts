/**
 * Mounts endpoints that modules declare (agents/endpoint.ts) on an express router under `/api`, behind
 * the same auth, origin check, rate limit and error shape as every other `/api` route. Only JSON
 * results, which is all the declared endpoints so far answer. The transport's own mounting of declared
 * endpoints replaces this file when it lands.
 */
import express, { type Request } from 'express';
import type { Endpoint } from '../../agents/endpoint';
import { ApiError, parseInput } from '../transport/errors';
import { identityOf, requireJson } from '../transport/http';

/** The JSON body, or {} when there is none; a body that is not JSON is refused. */
function bodyOf(req: Request): unknown {
  if (req.body !== undefined) return req.body;
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody) requireJson(req);
  return {};
}

export function declaredEndpointsRouter(endpoints: readonly Endpoint[]): express.Router {
  const router = express.Router();
  for (const declared of endpoints) {
    const method = declared.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    router[method](declared.path.replace(/^\/api(?=\/)/, ''), async (req, res) => {
      const identity = identityOf(res);
      const params = declared.params ? parseInput(declared.params, { ...req.params }, 'params') : {};
      const query = declared.query ? parseInput(declared.query, { ...req.query }) : {};
      const rawBody = bodyOf(req);
      if (!declared.body && rawBody !== undefined && Object.keys(rawBody as object).length > 0) throw new ApiError('INVALID_INPUT', 'This endpoint takes no body.');
      const body = declared.body ? parseInput(declared.body, rawBody) : undefined;
      const controller = new AbortController();
      res.on('close', () => controller.abort());
      const result = await declared.handle({
        caller: { userId: identity.userId, tokenKey: identity.tokenKey, admin: false },
        params,
        query,
        body,
        header: (name) => req.get(name),
        signal: controller.signal,
      });
      if (!('json' in result)) throw new ApiError('INTERNAL_ERROR', 'This endpoint answers in a form this server cannot send yet.');
      res.status(result.status ?? 200).set(result.headers ?? {}).json(result.json);
    });
  }
  return router;
}
