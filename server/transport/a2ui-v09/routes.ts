/**
 * `GET /api/a2ui/v0.9/stream[?view=<id>]`: a view as v0.9 messages, SSE or JSONL
 * (`Accept: application/jsonl`), behind the same auth, origin check, rate limit and per-user stream
 * cap as every endpoint. Without `?view=` the stream gets a new view of its own; `?view=main` is the
 * token's own view, the one its REST calls act on. (Its actions,
 * `POST /api/a2ui/v0.9/action`, are a declared endpoint: a2ui-api.ts.)
 */
import type express from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { SessionDirectory } from '../../session/session-handle';
import { callerOf } from '../endpoints';
import { parseInput } from '../errors';
import { VIEW_ID } from '../protocol';
import { attachView, namedView, newViewId } from '../views';
import { framingOf, openStream } from './stream';
import type { Connections } from '../connections';

const streamQuery = z.object({ view: z.string().regex(VIEW_ID, 'must be a view id').optional() }).strip();

export function mountA2uiV09Stream(app: express.Express, authenticate: RequestHandler, streamGate: RequestHandler, users: SessionDirectory, connections?: Connections): void {
  app.get('/api/a2ui/v0.9/stream', authenticate, streamGate, async (req, res) => {
    const { view } = parseInput(streamQuery, req.query);
    const caller = callerOf(res);
    // `?view=main` is the token's own view (shared with its REST calls); any other id a stream's own.
    const named = view === undefined ? { id: newViewId(), kind: 'stream' as const } : namedView(caller, view);
    const ref = await attachView(users, caller, named.id, named.kind === 'api' ? 'api' : 'stream');
    openStream(req, res, ref, framingOf(req), connections);
  });
}
