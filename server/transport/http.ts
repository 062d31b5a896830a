/**
 * The HTTP side: health, the start-up token URL, the thin client's files, and the REST API, every
 * error in the one shape `{"error": {"code", "message"}}`.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { Plugin } from '../../agents/types';
import { TOKEN_COOKIE, type Identity, type TokenAuth } from './auth';
import type { Config } from '../app/config';
import { ApiError, parseInput, reportApiError } from './errors';
import { isForeignOrigin } from './origin';
import { actionRequestSchema, surfaceQuerySchema, toActionResponse } from './protocol';
import type { RateLimiter } from './rate-limit';
import type { Sessions } from '../session/sessions';

export interface AppDeps {
  config: Config;
  auth: TokenAuth;
  sessions: Sessions;
  rateLimiter: RateLimiter;
  plugins: readonly Plugin[];
  version: string;
  startedAt: number;
  /** The plugins' REST routers, mounted under `/api` behind auth, origin check, rate limit and JSON parsing. */
  apiRouters?: readonly MountedRouter[];
  /** Routers outside `/api` (the OAuth pages); they authenticate themselves with `requireIdentity`. */
  pageRouters?: readonly MountedRouter[];
}

/** An express router and the path it is mounted at, e.g. `{path: '/worktrees', router}` under `/api`. */
export interface MountedRouter {
  path: string;
  router: express.Router;
}

/** The identity the auth middleware found, for handlers behind it. */
export function identityOf(res: Response): Identity {
  return res.locals.identity as Identity;
}

/** Refuses a body that is not JSON (express.json leaves it unparsed). */
export function requireJson(req: Request): void {
  if (!req.is('application/json')) throw new ApiError('INVALID_INPUT', 'The body must be JSON (Content-Type: application/json).');
}

/** A JSON body checked against `schema` (400 INVALID_INPUT naming the field, or for a body that is not JSON). */
export function parseJsonBody<T>(schema: z.ZodType<T, unknown>, req: Request): T {
  requireJson(req);
  return parseInput(schema, req.body);
}

/**
 * The token check of every authenticated route: a token (Bearer header or cookie), from this origin
 * when a browser sends it, within the token's rate limit. Sets the identity for `identityOf`.
 */
export function requireIdentity(auth: TokenAuth, rateLimiter: RateLimiter) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isForeignOrigin(req.headers.origin, req.headers.host)) throw new ApiError('FORBIDDEN', 'Requests from other origins are refused.');
    const identity = auth.require(req.headers);
    rateLimiter.enforce(identity.tokenKey);
    res.locals.identity = identity;
    next();
  };
}

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  // The start-up URL carries the token: never send it onward in a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' http: https:; media-src http: https:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export function createApp(deps: AppDeps): express.Express {
  const { config, auth, sessions, rateLimiter } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use((_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // The start-up URL: a valid token becomes an HttpOnly cookie and the token leaves the address bar.
  app.get('/', (req, res, next) => {
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (token === undefined) return next();
    if (!auth.identify(token)) throw new ApiError('UNAUTHORIZED', 'The access token is not valid.');
    res.cookie(TOKEN_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: req.secure,
      maxAge: 30 * 24 * 3600 * 1000,
    });
    res.redirect(303, '/');
  });

  // Everything under /api needs a token, from this origin when a browser sends it, and counts
  // against the token's rate limit.
  app.use('/api', requireIdentity(auth, rateLimiter));
  app.use('/api', express.json({ limit: config.bodyLimitBytes, strict: true }));

  app.get('/api/health', (_req, res) => {
    res.json({
      status: 'ok',
      version: deps.version,
      uptime_s: Math.round((Date.now() - deps.startedAt) / 1000),
      data_dir: config.dataDir,
      plugins: Object.fromEntries(deps.plugins.map((p) => [p.id, p.status?.() ?? { status: 'ok' }])),
    });
  });

  // The REST form of socket.io's `join`: a snapshot, or the ops since `version`. (Express 5 hands a
  // handler's rejected promise to the error handler: async handlers need no wrapper.)
  app.get('/api/a2ui/surface', async (req, res) => {
    const query = parseInput(surfaceQuerySchema, req.query);
    const session = await sessions.get(identityOf(res).userId);
    res.json(session.catchUp(query.version));
  });

  app.post('/api/a2ui/action', async (req, res) => {
    const request = parseJsonBody(actionRequestSchema, req);
    const session = await sessions.get(identityOf(res).userId);
    res.json(toActionResponse(await session.dispatch(request)));
  });

  for (const mounted of deps.apiRouters ?? []) app.use(`/api${mounted.path}`, mounted.router);
  for (const mounted of deps.pageRouters ?? []) app.use(mounted.path, mounted.router);

  app.use('/api', (req) => {
    throw new ApiError('NOT_FOUND', `No API endpoint ${req.method} ${req.path}.`);
  });

  // The thin client: its files, and index.html for every other path (deep links such as /agents/x).
  app.use(express.static(config.clientDir, { index: 'index.html', fallthrough: true }));
  app.get('/{*path}', (req, res, next) => {
    const index = path.join(config.clientDir, 'index.html');
    if (req.accepts('html') && fs.existsSync(index)) res.sendFile(index);
    else next();
  });
  app.use((req) => {
    throw new ApiError('NOT_FOUND', `Nothing at ${req.method} ${req.path}.`);
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const apiError = apiErrorOf(error);
    res.status(apiError.status).json(apiError.toBody());
  });
  return app;
}

/** body-parser's own errors carry a `type`; map them into the one shape. */
function apiErrorOf(error: unknown): ApiError {
  const type = (error as { type?: string } | null)?.type;
  if (type === 'entity.too.large') return new ApiError('PAYLOAD_TOO_LARGE', 'The request body is larger than the limit.');
  if (type === 'entity.parse.failed') return new ApiError('INVALID_INPUT', 'The request body is not valid JSON.');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new ApiError('INVALID_INPUT', 'Unsupported body encoding.');
  return reportApiError(error, 'http');
}
