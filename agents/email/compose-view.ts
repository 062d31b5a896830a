/**
 * The compose screen (`/email/compose`): To, Subject and the body as TextFields bound to the data
 * model (`/email/compose/...`), so what the user types lives in their client until an action carries
 * it: Send and Draft with AI read the bound values into their payloads.
 *
 * Draft with AI is disabled, with the reason as its hint, when there is no ANTHROPIC_API_KEY, when the
 * message answers nothing, or while Claude is writing (Send waits for the draft too).
 */
import { bind, column, event, labelButton, memo, row, text, textField, type CheckRule, type DynamicValue, type UiNode } from '../../renderer';
import { fieldChecks, fieldError, requiredRule } from '../forms';
import type { FieldErrors } from '../types';

const COMPOSE_POINTER = '/email/compose';
const TO = bind(`${COMPOSE_POINTER}/to`);
const SUBJECT = bind(`${COMPOSE_POINTER}/subject`);
const BODY = bind(`${COMPOSE_POINTER}/body`);

export const NO_API_KEY_HINT = 'Drafting with Claude needs ANTHROPIC_API_KEY on the server.';
const NOT_A_REPLY_HINT = 'Open a message and press Reply to draft an answer with Claude.';
const DRAFTING_HINT = 'Claude is writing the reply…';

/** A check that always fails: the catalog's way to disable a Button and say why. */
const blocked = (message: string): CheckRule[] => [{ condition: false, message }];

const TO_RULES = [requiredRule(`${COMPOSE_POINTER}/to`, 'Enter at least one address.')];

export function createComposeView(aiAvailable: boolean): (inReplyTo: string | null, drafting: boolean, errors: FieldErrors | null) => UiNode {
  return memo((inReplyTo: string | null, drafting: boolean, errors: FieldErrors | null) => {
    // What the server refused of the last Send, at its field.
    const verdict = (field: string) => fieldError(errors, 'send', field);
    const aiHint = !aiAvailable ? NO_API_KEY_HINT : inReplyTo === null ? NOT_A_REPLY_HINT : drafting ? DRAFTING_HINT : null;
    const sendContext: Record<string, DynamicValue> = { to: TO, subject: SUBJECT, body: BODY };
    if (inReplyTo !== null) sendContext.in_reply_to = inReplyTo;
    const children: UiNode[] = [
      text('email-compose-title', { text: inReplyTo ? 'Reply' : 'New message', variant: 'h2' }),
      textField('email-compose-to', { label: 'To', value: TO, checks: fieldChecks(TO_RULES, verdict('to')) }),
      textField('email-compose-subject', { label: 'Subject', value: SUBJECT, checks: fieldChecks([], verdict('subject')) }),
      textField('email-compose-body', { label: 'Message', value: BODY, variant: 'longText', checks: fieldChecks([], verdict('body')) }),
      row('email-compose-actions', {
        align: 'center',
        children: [
          labelButton('email-send', 'Send', event('send', sendContext), { variant: 'primary', ...(drafting ? { checks: blocked('Wait for Claude to finish the draft.') } : {}) }),
          labelButton(
            'email-draft-ai',
            drafting ? 'Claude is writing…' : 'Draft with AI',
            event('draft_with_ai', { email_id: inReplyTo ?? '', to: TO, subject: SUBJECT, body: BODY }),
            aiHint ? { checks: blocked(aiHint) } : {},
          ),
          labelButton('email-compose-cancel', 'Cancel', event('navigate', { to: inReplyTo ? `/email/thread/${inReplyTo}` : '/email/inbox' }), {
            variant: 'borderless',
          }),
        ],
      }),
    ];
    if (aiHint) children.push(text('email-draft-hint', { text: aiHint, variant: 'caption' }));
    return column('email-compose', { children });
  });
}
