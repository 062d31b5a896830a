/**
 * `GET /api/a2ui/v0.9/stream[?view=<id>]`: a view as a stream of A2UI v0.9 messages, one per SSE
 * event (`text/event-stream`, the default) or one per line (`Accept: application/jsonl`). Each stream
 * is a view of its own (its surface id is the view's id); `?view=` names one to come back to.
 *
 * - First the sync (createSurface, every component, the whole data model), then every change of the
 *   view as it happens: its own actions, and the user's domain changes it shows.
 * - SSE: the last message of each change carries `id: <version>`, so a reconnecting EventSource sends
 *   `Last-Event-ID` and gets what it missed: the changes since that version (from the session's log),
 *   or, when that version is gone (too old, or a restart), `deleteSurface` and a new sync. The id is on
 *   the last message only: a connection cut in the middle of a change resumes before that change (its
 *   messages carry final values, so getting some twice changes nothing).
 * - Backpressure (outbox.ts, drop and resync): a client that stops reading (over MAX_UNSENT_BYTES
 *   queued) gets no more changes; once its buffer drains it gets `deleteSurface` and a new sync instead
 *   of the backlog.
 */
import type { Request, Response } from 'express';
import { encodeChange, encodeReset, encodeSync, type A2uiV09Message, type EncodableSurface } from '.';
import { encodeFrame } from './protocol';
import type { Frame } from '../protocol';
import type { FrameListener } from '../../session/frame';
import type { ViewRef } from '../views';
import { responseSink } from '../endpoints';
import { surfaceSender } from '../outbox';
import { heartbeat, startStream } from '../streaming';
import type { Connections } from '../connections';

export type StreamFraming = 'sse' | 'jsonl';

/** Queued bytes past which a stream is considered stalled. */
const MAX_UNSENT_BYTES = 1024 * 1024;
/** SSE comment lines keep idle connections open through proxies. */
const HEARTBEAT_MS = 20_000;
const LAST_EVENT_ID = /^\d{1,16}$/;

const CONTENT_TYPES: Record<StreamFraming, string> = {
  sse: 'text/event-stream; charset=utf-8',
  jsonl: 'application/jsonl; charset=utf-8',
};

/** The framing the request asks for: JSONL when it names it first, SSE otherwise. */
export function framingOf(req: Request): StreamFraming {
  return req.accepts(['text/event-stream', 'application/jsonl']) === 'application/jsonl' ? 'jsonl' : 'sse';
}

/** `connections`: where the stream is registered, to be ended with a reconnect hint (its user moved, the server stops). */
export function openStream(req: Request, res: Response, { session, view }: ViewRef, framing: StreamFraming, connections?: Connections): void {
  startStream(res, CONTENT_TYPES[framing]);
  const write = (text: string): void => {
    if (text) res.write(text);
  };

  const listener: FrameListener = surfaceSender(
    responseSink(res, MAX_UNSENT_BYTES),
    (frame: Frame, surface: EncodableSurface) => write(changeText(frame, surface, framing)),
    () => write(textOf(encodeReset(view.surface), view.version, framing)),
  );

  // One synchronous block: nothing can change between what the sync shows and the subscription.
  write(textOf(firstMessages({ session, view }, framing === 'sse' ? req.get('last-event-id') : undefined), view.version, framing));
  const unsubscribe = session.subscribe(view, listener);
  // An ended SSE response makes an EventSource reconnect (with Last-Event-ID: it catches up).
  const unregister = connections?.add(session.userId, () => res.end());
  res.on('close', () => {
    unsubscribe();
    unregister?.();
  });
  if (framing === 'sse') heartbeat(res, HEARTBEAT_MS, () => res.write(': keep-alive\n\n'));
}

/** The messages as the framing writes them: SSE gives the last one the `id: <version>` of the change. */
function textOf(messages: readonly A2uiV09Message[], version: number, framing: StreamFraming): string {
  let text = '';
  messages.forEach((message, i) => {
    const json = JSON.stringify(message);
    if (framing === 'jsonl') text += `${json}\n`;
    else text += `${i === messages.length - 1 ? `id: ${version}\n` : ''}data: ${json}\n\n`;
  });
  return text;
}

/** A change's text per framing, by its frame: built once however many streams of the session write it. */
const changeTexts = new WeakMap<Frame, Partial<Record<StreamFraming, string>>>();

function changeText(frame: Frame, surface: EncodableSurface, framing: StreamFraming): string {
  let texts = changeTexts.get(frame);
  if (!texts) changeTexts.set(frame, (texts = {}));
  return (texts[framing] ??= textOf(encodeFrame(frame, surface), frame.to, framing));
}

/** A new client gets the sync; a reconnecting one what it missed since `lastEventId`. */
function firstMessages({ session, view }: ViewRef, lastEventId: string | undefined): A2uiV09Message[] {
  const surface = view.surface;
  if (lastEventId === undefined) return encodeSync(surface);
  // It held the surface once: whatever it holds now, a reset is always right.
  if (!LAST_EVENT_ID.test(lastEventId)) return encodeReset(surface);
  const missed = session.catchUp(view, Number(lastEventId));
  return missed.from === null ? encodeReset(surface) : encodeChange(surface, missed.ops);
}
