/**
 * `GET /api/a2ui/v0.9/stream[?view=<id>]`: a view as v0.9 messages, SSE or JSONL
 * (`Accept: application/jsonl`), behind the same auth, origin check, rate limit and per-user stream
 * cap as every endpoint. Without `?view=` the stream gets a new view of its own. (Its actions,
 * `POST /api/a2ui/v0.9/action`, are a declared endpoint: a2ui-api.ts.)
 */
import type express from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Users } from '../../session/users';
import { callerOf } from '../endpoints';
import { parseInput } from '../errors';
import { VIEW_ID } from '../protocol';
import { attachView, newViewId } from '../views';
import { framingOf, openStream } from './stream';

const streamQuery = z.object({ view: z.string().regex(VIEW_ID, 'must be a view id').optional() }).strip();

export function mountA2uiV09Stream(app: express.Express, authenticate: RequestHandler, streamGate: RequestHandler, users: Users): void {
  app.get('/api/a2ui/v0.9/stream', authenticate, streamGate, async (req, res) => {
    const { view } = parseInput(streamQuery, req.query);
    const ref = await attachView(users, callerOf(res), view ?? newViewId(), 'stream');
    openStream(req, res, ref, framingOf(req));
  });
}
