/**
 * The A2UI v0.9 HTTP transport, mounted at `/api/a2ui/v0.9` (behind the same auth, origin check,
 * rate limit and JSON parsing as every `/api` route):
 *
 *   GET  /stream   the session as v0.9 messages: SSE, or JSONL with `Accept: application/jsonl`
 *   POST /action   a v0.9 client message: `{"version": "v0.9", "action": {...}}`, the older
 *                  `{"userAction": {...}}`, or an `{"version": "v0.9", "error": {...}}` report
 */
import express, { type RequestHandler } from 'express';
import { answerClientMessage } from './actions';
import { framingOf, openStream } from './stream';
import { identityOf, requireJson, type MountedRouter } from '../http';
import type { Sessions } from '../../session/sessions';

/** Where the router is mounted under `/api`. */
const A2UI_V09_API_PATH = '/a2ui/v0.9';

/** `streamGate` runs before a stream opens (the per-user cap on open streams). */
export function createA2uiV09Router(sessions: Sessions, streamGate: RequestHandler): MountedRouter {
  const router = express.Router();

  router.get('/stream', streamGate, async (req, res) => {
    const session = await sessions.get(identityOf(res).userId);
    openStream(req, res, session, framingOf(req));
  });

  router.post('/action', async (req, res) => {
    requireJson(req);
    const userId = identityOf(res).userId;
    res.json(await answerClientMessage(req.body, userId, () => sessions.get(userId)));
  });

  return { path: A2UI_V09_API_PATH, router };
}
