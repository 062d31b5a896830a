/**
 * Draft with AI end to end: the real server (local mailbox) with the real Anthropic SDK pointed at the
 * fake Messages API. The draft streams into the compose body as small data-model ops; the user edits
 * and sends; failures (mid-stream error, API error, timeout) are error toasts that keep what was typed.
 */
import { waitFor } from '../helpers/wait';
import type { Frame } from '../../server/transport/protocol';
import type { LocalMailboxFile } from '../../agents/email/local-provider';
import { LiveClient } from '../helpers/client';
import { component, emailData, textOf } from '../helpers/email';
import { FakeAnthropic } from '../helpers/fake-anthropic';
import { startTestServer, type TestServer } from '../helpers/server';
import fs from 'node:fs';
import path from 'node:path';

let claude: FakeAnthropic;
let server: TestServer;
let client: LiveClient;

beforeAll(async () => {
  claude = await FakeAnthropic.start();
  server = await startTestServer({ env: { ...claude.env(), ANTHROPIC_MODEL: 'claude-test-model', A2UI_DRAFT_TIMEOUT_MS: '1000' } });
  client = await LiveClient.open(server.url, server.token);
});
afterAll(async () => {
  client.close();
  await server.close();
  await claude.close();
});

const BODY = '/dataModel/email/compose/body';
const form = () => emailData(client.doc!).compose;
const drafting = () => textOf(client.doc!, 'email-draft-ai.label') === 'Claude is writing…';
const toastTexts = () => Object.entries(client.doc!.components).filter(([id]) => /^toast-.+-text$/.test(id)).map(([, c]) => (c as { text: string }).text);

/** Opens Tomás's message and presses Reply: the compose form for m7. */
async function replyToTomas(): Promise<void> {
  await client.action('open_thread', { email_id: 'm7' });
  await client.action('reply', { email_id: 'm7' });
  expect(form().subject).toBe('Re: Lunch next week?');
}

/** Frames received from `start` on that change nothing but the body. */
function bodyOnlyFrames(start: number): Frame[] {
  return client.frames.slice(start).filter((f) => f.ops.length === 1 && f.ops[0]!.path === BODY);
}

test('the draft streams into the body as it arrives, one small op per chunk; the user edits it and sends', async () => {
  await client.action('navigate', { to: '/email/inbox' });
  await replyToTomas();
  const typed = form();
  expect(component(client.doc!, 'email-draft-ai')).not.toHaveProperty('checks');
  claude.enqueue({ content: [{ type: 'text', text: 'Tuesday works for me. See you at noon!', chunks: ['Tuesday ', 'works ', 'for me. ', 'See you ', 'at noon!'] }], eventDelayMs: 15 });

  const start = client.frames.length;
  const ack = await client.action('draft_with_ai', { email_id: 'm7', to: typed.to, subject: typed.subject, body: typed.body });
  expect(ack.status).toBe('success');
  expect(drafting()).toBe(true);
  expect(component(client.doc!, 'email-send')).toMatchObject({ checks: [{ condition: false, message: 'Wait for Claude to finish the draft.' }] });
  await waitFor(() => !drafting(), 'the draft to finish', 10_000);

  const quote = typed.body.replace(/^\s+/, '');
  expect(form().body).toBe(`Tuesday works for me. See you at noon!\n\n${quote}`);
  const chunks = bodyOnlyFrames(start).map((f) => (f.ops[0] as { value: string }).value);
  expect(chunks.length).toBeGreaterThanOrEqual(4);
  for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.length).toBeGreaterThan(chunks[i - 1]!.length);
  expect(chunks[0]).toBe(`Tuesday\n\n${quote}`);
  expect(toastTexts()).toContain("Claude's draft is in the message: edit it, then press Send.");

  const request = claude.requests.at(-1)!;
  expect(request.body).toMatchObject({ model: 'claude-test-model', stream: true });
  expect(JSON.stringify(request.body.messages)).toContain('I am in town next Tuesday and Wednesday');

  // The user edits the draft (a two-way binding: the edited value travels in the payload) and sends.
  const edited = form().body.replace('at noon', 'at 12:30');
  const sent = await client.action('send', { to: typed.to, subject: typed.subject, body: edited, in_reply_to: 'm7' });
  expect(sent.frame.side_effects[0]).toEqual({ type: 'toast', variant: 'success', message: 'Sent to Tomás Álvarez <tomas@alvarez.example>.' });
  const mailbox = JSON.parse(fs.readFileSync(path.join(server.dataDir, 'mail', 'mailbox-local.json'), 'utf8')) as LocalMailboxFile;
  expect(mailbox.messages.at(-1)).toMatchObject({ threadId: 't5', labels: ['SENT'], body: expect.stringMatching(/^Tuesday works for me\. See you at 12:30!\n\nOn /) });
});

test('an error in the middle of the stream is an error toast, and what the user typed is kept exactly', async () => {
  await replyToTomas();
  const typed = `Let me check my calendar.${form().body}`;
  claude.enqueue({ content: [{ type: 'text', text: 'one two three four' }], failAfterDeltas: { count: 2, type: 'overloaded_error', message: 'Overloaded' }, eventDelayMs: 10 });
  const start = client.frames.length;
  await client.action('draft_with_ai', { email_id: 'm7', body: typed });
  await waitFor(() => !drafting(), 'the draft to fail', 10_000);
  expect(bodyOnlyFrames(start).length).toBeGreaterThanOrEqual(1);
  expect(form().body).toBe(typed);
  expect(toastTexts()).toContain('Claude could not write the draft: Claude stopped with an error: Overloaded. Your text was kept.');
});

test('an API error before the stream and a stream that stalls past the time limit keep the text too', async () => {
  await replyToTomas();
  const typed = form().body;
  claude.enqueue({ status: 529, error: { type: 'overloaded_error', message: 'Overloaded' } });
  await client.action('draft_with_ai', { email_id: 'm7', body: typed });
  await waitFor(() => !drafting(), 'the draft to fail', 10_000);
  expect(toastTexts()).toContain('Claude could not write the draft: Claude is overloaded right now (529). Try again in a minute. Your text was kept.');
  expect(form().body).toBe(typed);

  claude.enqueue({ content: [{ type: 'text', text: 'this never finishes' }], hangAfterDeltas: 1 });
  await client.action('draft_with_ai', { email_id: 'm7', body: typed });
  await waitFor(() => form().body.startsWith('this'), 'the first chunk', 5000);
  await waitFor(() => !drafting(), 'the time limit', 10_000);
  expect(toastTexts()).toContain('Claude could not write the draft: Claude did not finish within 1 s. Your text was kept.');
  expect(form().body).toBe(typed);
});

test('one draft at a time; sending stops a running draft, which then changes nothing', async () => {
  await replyToTomas();
  const typed = form();
  claude.enqueue({ content: [{ type: 'text', text: 'slow words that keep coming and coming' }], eventDelayMs: 150 });
  await client.action('draft_with_ai', { email_id: 'm7', body: typed.body });
  const again = await client.action('draft_with_ai', { email_id: 'm7', body: typed.body });
  expect(again).toMatchObject({ status: 'error', error: { code: 'CONFLICT', message: 'Claude is already writing a draft.' } });

  const sent = await client.action('send', { to: typed.to, subject: typed.subject, body: 'Short answer: yes.', in_reply_to: 'm7' });
  expect(sent.status).toBe('success');
  const after = client.frames.length;
  // The draft's answer is over (cut by the cancel, or sent to its end if the cancel failed), and an
  // action behind every update it queued has run: whatever the draft could still do is done.
  await claude.requests.at(-1)!.ended;
  await client.action('select', { ids: [] });
  // No later chunk, no toast: the cancelled draft is gone without a trace.
  expect(client.frames.slice(after).filter((f) => f.ops.some((op) => op.path === BODY))).toEqual([]);
  expect(client.frames.slice(after).flatMap((f) => f.side_effects)).toEqual([]);
  expect(form()).toEqual({ to: '', subject: '', body: '' });
});

test('a new message (not a reply) has Draft with AI disabled with a hint', async () => {
  await client.action('compose');
  expect(component(client.doc!, 'email-draft-ai')).toMatchObject({ checks: [{ condition: false, message: 'Open a message and press Reply to draft an answer with Claude.' }] });
  expect(textOf(client.doc!, 'email-draft-hint')).toBe('Open a message and press Reply to draft an answer with Claude.');
});
