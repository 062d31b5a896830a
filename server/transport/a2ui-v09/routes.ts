/**
 * `GET /api/a2ui/v0.9/stream`: the session as v0.9 messages, SSE or JSONL (`Accept: application/jsonl`),
 * behind the same auth, origin check, rate limit and per-user stream cap as every endpoint. (Its
 * actions, `POST /api/a2ui/v0.9/action`, are a declared endpoint: a2ui-api.ts.)
 */
import type express from 'express';
import type { RequestHandler } from 'express';
import type { Sessions } from '../../session/sessions';
import { callerOf } from '../endpoints';
import { framingOf, openStream } from './stream';

export function mountA2uiV09Stream(app: express.Express, authenticate: RequestHandler, streamGate: RequestHandler, sessions: Sessions): void {
  app.get('/api/a2ui/v0.9/stream', authenticate, streamGate, async (req, res) => {
    const session = await sessions.get(callerOf(res).userId);
    openStream(req, res, session, framingOf(req));
  });
}
