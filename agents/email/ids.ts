/**
 * Message ids on the way in (action payloads, route parameters) and on the way out (component ids).
 *
 * An id must fit the router's path parameter (`/email/thread/:id`), so that is what payloads accept;
 * Gmail's ids (hex) and the local mailbox's (`m12`) always do. Component ids allow fewer characters
 * (`[A-Za-z0-9_.:-]`), so an id with anything else becomes a digest (see `componentKey`).
 */
import crypto from 'node:crypto';
import { z } from 'zod';

export const EMAIL_ID_PATTERN = /^[A-Za-z0-9_.:~-]{1,200}$/;

export const emailIdSchema = z.string().regex(EMAIL_ID_PATTERN, 'must be a message id (letters, digits and _ . : ~ -)');

const PLAIN_KEY = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The part of a component id derived from a message id: the id itself when it is plain (letters,
 * digits, `_`, `-`), else `h.` and a digest. Plain keys contain no dot, so the two never collide.
 */
export function componentKey(id: string): string {
  return PLAIN_KEY.test(id) ? id : `h.${crypto.createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
}
