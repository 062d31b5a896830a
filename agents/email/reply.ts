/**
 * The compose form of a reply, as the seed protocol's "Reply" example fills it: To is the sender (or,
 * for a message the user sent, its recipients), Subject gets one `Re: `, and the body starts with room
 * for the answer above the quoted original.
 */
import { addressOf, quotedReply, replySubject } from './mime';
import { EMPTY_COMPOSE, type ComposeState } from './state';
import type { MailMessage } from './types';

export function replyForm(message: MailMessage, ownAddress: string | null): ComposeState {
  const fromMe = ownAddress !== null && addressOf(message.from).toLowerCase() === ownAddress.toLowerCase();
  return {
    ...EMPTY_COMPOSE,
    to: fromMe ? message.to : message.replyTo,
    subject: replySubject(message.subject),
    body: quotedReply(message),
    inReplyTo: message.id,
  };
}
