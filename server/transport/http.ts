/**
 * The HTTP side: security headers, the public health check, the start-up token URL, every declared
 * endpoint (the server's own and every module's, through one adapter: endpoints.ts), the A2UI v0.9
 * stream, the thin client's files, and one error handler answering the one error shape.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Endpoint } from '../../agents/endpoint';
import { TOKEN_COOKIE, type TokenAuth } from './auth';
import { mountEndpoints, requestErrorOf } from './endpoints';
import { PluginError, wireError } from './errors';
import { isForeignOrigin } from './origin';
import type { RateLimiter } from './rate-limit';

export interface HttpDeps {
  auth: TokenAuth;
  rateLimiter: RateLimiter;
  bodyLimitBytes: number;
  clientDir: string;
  /** Every endpoint: the server's own and the modules'. */
  endpoints: readonly Endpoint[];
  /** Runs before a stream opens (the per-user cap on open streams). */
  streamGate: RequestHandler;
  /** Routes the adapter cannot declare (the A2UI v0.9 surface stream), mounted behind the same auth. */
  mount?(app: express.Express, authenticate: RequestHandler): void;
  /** Whether this process takes new clients (`GET /ready`, for load balancers), and why. */
  readiness?(): { ready: boolean } & Record<string, unknown>;
}

/**
 * The token check of every authenticated endpoint: a token (Bearer header or cookie), from this
 * origin when a browser sends it, within the token's rate limit. Sets `res.locals.caller`.
 */
export function requireCaller(auth: TokenAuth, rateLimiter: RateLimiter): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isForeignOrigin(req.headers.origin, req.headers.host)) throw new PluginError('FORBIDDEN', 'Requests from other origins are refused.');
    const caller = auth.require(req.headers, req.socket.remoteAddress);
    rateLimiter.enforce(caller.tokenKey);
    res.locals.caller = caller;
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

export function createApp(deps: HttpDeps): express.Express {
  const { auth } = deps;
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

  // For load balancers: 503 while the store or the socket.io adapter is disconnected, or the process stops.
  app.get('/ready', (_req, res) => {
    const { ready, ...detail } = deps.readiness?.() ?? { ready: true };
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', ...detail });
  });

  // The start-up URL: a valid token becomes an HttpOnly cookie and the token leaves the address bar.
  app.get('/', (req, res, next) => {
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (token === undefined) return next();
    try {
      auth.authenticate(token, req.socket.remoteAddress);
    } catch (error) {
      // A person opened a wrong start-up link: a page that says what to do, not an error body.
      const page = path.join(deps.clientDir, 'signin.html');
      if (error instanceof PluginError && error.code === 'UNAUTHORIZED' && req.accepts('html') && fs.existsSync(page)) {
        res.status(401).sendFile(page);
        return;
      }
      throw error;
    }
    res.cookie(TOKEN_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: req.secure,
      maxAge: 30 * 24 * 3600 * 1000,
    });
    res.redirect(303, '/');
  });

  const authenticate = requireCaller(auth, deps.rateLimiter);
  mountEndpoints(app, deps.endpoints, { authenticate, streamGate: deps.streamGate, bodyLimitBytes: deps.bodyLimitBytes });
  deps.mount?.(app, authenticate);

  // An unknown /api path needs a token too: without one, nobody learns which endpoints exist.
  app.use('/api', authenticate, (req) => {
    throw new PluginError('NOT_FOUND', `No API endpoint ${req.method} ${req.path}.`);
  });

  // The thin client: its files, and index.html for every other path (deep links such as /agents/x).
  app.use(express.static(deps.clientDir, { index: 'index.html', fallthrough: true }));
  app.get('/{*path}', (req, res, next) => {
    const index = path.join(deps.clientDir, 'index.html');
    if (req.accepts('html') && fs.existsSync(index)) res.sendFile(index);
    else next();
  });
  app.use((req) => {
    throw new PluginError('NOT_FOUND', `Nothing at ${req.method} ${req.path}.`);
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, body, headers } = wireError(requestErrorOf(error), 'http');
    if (res.headersSent) {
      res.end();
      return;
    }
    if (headers) res.set(headers);
    res.status(status).json(body);
  });
  return app;
}
