/**
 * The Email plugin end to end on the default local mailbox, through the real server (REST actions and
 * a socket.io client that applies frames as the thin client does): the inbox, paging, search, a
 * thread, reply → compose → send, archive and mark read with their minimal diffs, deep links, users
 * kept apart, hostile input refused, and every component valid A2UI v0.9.
 */
import { waitFor } from '../helpers/wait';
import fs from 'node:fs';
import path from 'node:path';
import type { Operation } from 'fast-json-patch';
import type { LocalMailboxFile } from '../../agents/email/local-provider';
import { NO_API_KEY_HINT } from '../../agents/email/compose-view';
import { LiveClient, emitAck, type Doc, surfaceOf } from '../helpers/client';
import { act, childrenOf, component, emailData, textOf, waitForDoc } from '../helpers/email';
import { bearer, startTestServer, type TestServer, ALICE, BOB, dataDirWithUsers } from '../helpers/server';
import { schemaErrors } from '../renderer/a2uiSchema';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ dataDir: dataDirWithUsers(), env: { MAIL_PAGE_SIZE: '4' } });
});
afterAll(() => server.close());

const mailboxFile = (userId: string) => path.join(server.dataDir, 'mail', `mailbox-${userId}.json`);
const mailbox = (userId: string) => JSON.parse(fs.readFileSync(mailboxFile(userId), 'utf8')) as LocalMailboxFile;

/** Navigates and waits until the inbox rows are there (they load in the background). */
async function openInbox(token: string): Promise<Doc> {
  await act(server.url, token, 'navigate', { to: '/email/inbox' });
  return waitForDoc(server.url, token, (doc) => childrenOf(doc, 'email-inbox-list').length > 0);
}

/** The ids of the components an op touches (`/components/<id>/...`). */
function touched(ops: Operation[]): string[] {
  return [...new Set(ops.filter((op) => op.path.startsWith('/components/')).map((op) => op.path.split('/')[2]!))];
}

describe('the inbox', () => {
  test('loads when shown, over the socket: sender, subject, snippet, date and an unread badge per row, newest first', async () => {
    const client = await LiveClient.open(server.url, server.token);
    try {
      const ack = await client.action('navigate', { to: '/email/inbox' });
      expect(ack.status).toBe('success');
      await waitFor(() => childrenOf(client.doc!, 'email-inbox-list').length > 0, 'the inbox rows', 10_000);
      const doc = client.doc!;
      expect(childrenOf(doc, 'email-inbox-list')).toEqual(['email-row-m3', 'email-row-m4', 'email-row-m5', 'email-row-m6']);
      // A conversation per row: Priya's message, her earlier one and the reply are one (3).
      expect(textOf(doc, 'email-row-m3-from')).toBe('Priya Raman (3)');
      expect(textOf(doc, 'email-row-m3-subject')).toBe('Re: Q3 roadmap review');
      expect(textOf(doc, 'email-row-m3-snippet')).toMatch(/^Thanks! One more thing/);
      // A human time, the full date as its description (a tooltip).
      expect(textOf(doc, 'email-row-m3-date')).toMatch(/\d{2}:\d{2}|\d{1,2} [A-Z][a-z]{2}/);
      expect(component(doc, 'email-row-m3-date')).toMatchObject({ accessibility: { description: expect.stringMatching(/\d{4}\D+\d{2}:\d{2}$/) } });
      expect(textOf(doc, 'email-row-m3-unread')).toBe('Unread');
      expect(component(doc, 'email-row-m5-unread')).toBeUndefined();
      expect(component(doc, 'email-row-m3-open')).toMatchObject({ action: { event: { name: 'open_thread', context: { email_id: 'm3' } } } });
      expect(textOf(doc, 'email-page-number')).toBe('Page 1');
      expect(component(doc, 'email-next-page')).toBeDefined();
      expect(textOf(doc, 'email-account')).toContain('you@example.com');
      // The client's copy equals the server's.
      expect(doc).toEqual((await surfaceOf(server.url, server.token)).doc);
    } finally {
      client.close();
    }
  });

  test('next_page follows the page token; search filters and puts the query in the bound search box', async () => {
    await openInbox(server.token);
    let res = await act(server.url, server.token, 'next_page');
    expect(res.body.status).toBe('success');
    let doc = (await surfaceOf(server.url, server.token)).doc;
    expect(childrenOf(doc, 'email-inbox-list')).toEqual(['email-row-m7', 'email-row-m8']);
    expect(textOf(doc, 'email-page-number')).toBe('Page 2');
    expect(component(doc, 'email-next-page')).toBeUndefined();
    expect(component(doc, 'email-first-page')).toBeDefined();
    res = await act(server.url, server.token, 'next_page');
    expect(res.body).toMatchObject({ status: 'error', error: { message: 'There is no next page.' } });

    res = await act(server.url, server.token, 'search', { query: 'croissants' });
    doc = (await surfaceOf(server.url, server.token)).doc;
    expect(childrenOf(doc, 'email-inbox-list')).toEqual(['email-row-m4']);
    expect(emailData(doc).search.query).toBe('croissants');
    expect(component(doc, 'email-search-go')).toMatchObject({ action: { event: { name: 'search', context: { query: { path: '/email/search/query' } } } } });

    await act(server.url, server.token, 'search', { query: 'nothing-matches-this' });
    doc = (await surfaceOf(server.url, server.token)).doc;
    expect(childrenOf(doc, 'email-inbox-list')).toEqual([]);
    expect(textOf(doc, 'email-inbox-status')).toBe('No messages match “nothing-matches-this”.');
    await act(server.url, server.token, 'search', { query: '' });
  });
});

describe('thread, reply, send', () => {
  test('open a thread, reply with the form filled in, edit and send over the socket: it lands in Sent and in the thread', async () => {
    const client = await LiveClient.open(server.url, ALICE.token);
    try {
      await client.action('navigate', { to: '/email/inbox' });
      let ack = await client.action('open_thread', { email_id: 'm3' });
      expect(ack.frame.side_effects).toEqual([{ type: 'navigate', to: '/email/thread/m3' }]);
      let doc = client.doc!;
      expect(doc.dataModel.app).toMatchObject({ route: '/email/thread/m3' });
      expect(textOf(doc, 'email-thread-subject')).toBe('Q3 roadmap review');
      expect(childrenOf(doc, 'email-thread-messages')).toEqual(['email-msg-m1', 'email-msg-m2', 'email-msg-m3']);
      expect(textOf(doc, 'email-msg-m3-text')).toContain('add a slide on the mobile launch');
      // Opening read the conversation: nothing left to mark read, and its inbox row is read too.
      expect(component(doc, 'email-mark-read')).toBeUndefined();
      expect(component(doc, 'email-msg-m3-unread')).toBeUndefined();
      expect(mailbox('alice').messages.filter((m) => m.threadId === mailbox('alice').messages.find((x) => x.id === 'm3')!.threadId).every((m) => !m.labels.includes('UNREAD'))).toBe(true);

      ack = await client.action('reply', { email_id: 'm3' });
      expect(ack.frame.side_effects).toEqual([{ type: 'navigate', to: '/email/compose' }]);
      doc = client.doc!;
      const form = emailData(doc).compose;
      expect(form.to).toBe('Priya Raman <priya@northwind.example>');
      expect(form.subject).toBe('Re: Q3 roadmap review');
      expect(form.body).toMatch(/^\n\nOn .+, Priya Raman <priya@northwind\.example> wrote:\n> Thanks! One more thing/);
      expect(component(doc, 'email-compose-body')).toMatchObject({ component: 'TextField', variant: 'longText', value: { path: '/email/compose/body' } });
      expect(component(doc, 'email-send')).toMatchObject({
        action: { event: { name: 'send', context: { to: { path: '/email/compose/to' }, subject: { path: '/email/compose/subject' }, body: { path: '/email/compose/body' }, in_reply_to: 'm3' } } },
      });

      // What the thin client sends: the bound values as the user edited them.
      ack = await client.action('send', { to: form.to, subject: form.subject, body: `Done, slide added.${form.body}`, in_reply_to: 'm3' });
      expect(ack.status).toBe('success');
      expect(ack.frame.side_effects).toEqual([
        { type: 'toast', variant: 'success', message: 'Sent to Priya Raman <priya@northwind.example>.' },
        { type: 'navigate', to: '/email/thread/m3' },
      ]);
      doc = client.doc!;
      expect(childrenOf(doc, 'email-thread-messages')).toEqual(['email-msg-m1', 'email-msg-m2', 'email-msg-m3', 'email-msg-m9']);
      expect(textOf(doc, 'email-msg-m9-text')).toMatch(/^Done, slide added\.\n\nOn /);
      expect(emailData(doc).compose).toEqual({ to: '', subject: '', body: '' });
      const sent = mailbox('alice').messages.find((m) => m.id === 'm9');
      expect(sent).toMatchObject({ threadId: 't1', labels: ['SENT'], subject: 'Re: Q3 roadmap review', to: 'Priya Raman <priya@northwind.example>' });
    } finally {
      client.close();
    }
  });

  test('a thread reached by a link (not by open_thread) is loaded as the view enters its route', async () => {
    const res = await act(server.url, ALICE.token, 'navigate', { to: '/email/thread/m6' });
    // Loaded by the plugin's `enter` before the frame: the navigation's own ops hold the thread.
    expect(JSON.stringify(res.ops)).not.toContain('Loading the conversation');
    const doc = (await surfaceOf(server.url, ALICE.token)).doc;
    expect(component(doc, 'email-msg-m6')).toBeDefined();
    expect(textOf(doc, 'email-thread-subject')).toBe('Design review: inbox keyboard shortcuts');
    const missing = await act(server.url, ALICE.token, 'navigate', { to: '/email/thread/m404' });
    expect(missing.body.status).toBe('success');
    const gone = await waitForDoc(server.url, ALICE.token, (d) => textOf(d, 'email-thread-status')?.includes('no message m404') ?? false);
    const toasts = Object.entries(gone.components).filter(([id]) => /^toast-.+-text$/.test(id)).map(([, c]) => (c as { text: string }).text);
    expect(toasts).toContain('There is no message m404 in your mailbox.');
  });

  test('compose starts an empty new message; without ANTHROPIC_API_KEY Draft with AI is disabled with a hint', async () => {
    let res = await act(server.url, ALICE.token, 'compose');
    expect(res.body.side_effects).toEqual([{ type: 'navigate', to: '/email/compose' }]);
    let doc = (await surfaceOf(server.url, ALICE.token)).doc;
    expect(textOf(doc, 'email-compose-title')).toBe('New message');
    expect(emailData(doc).compose).toEqual({ to: '', subject: '', body: '' });
    await act(server.url, ALICE.token, 'reply', { email_id: 'm7' });
    doc = (await surfaceOf(server.url, ALICE.token)).doc;
    expect(component(doc, 'email-draft-ai')).toMatchObject({ checks: [{ condition: false, message: NO_API_KEY_HINT }] });
    expect(textOf(doc, 'email-draft-hint')).toBe(NO_API_KEY_HINT);
    res = await act(server.url, ALICE.token, 'draft_with_ai', { email_id: 'm7', body: 'typed' });
    expect(res.body).toMatchObject({ status: 'error', error: { message: expect.stringContaining('ANTHROPIC_API_KEY') } });
    expect(res.body.side_effects[0]).toMatchObject({ type: 'toast', variant: 'error' });
  });
});

describe('minimal diffs', () => {
  test('archiving a row removes that row only: its components and one children op, no other row re-sent', async () => {
    await openInbox(BOB.token);
    const { version } = await surfaceOf(server.url, BOB.token);
    const res = await act(server.url, BOB.token, 'archive', { email_id: 'm5' }, { base_version: version });
    expect(res.body.status).toBe('success');
    expect(res.body.side_effects).toEqual([{ type: 'toast', variant: 'success', message: 'Archived “[a2ui-orchestrator] Build passed on main”.' }]);
    const rowOps = res.ops.filter((op) => op.path.startsWith('/components/email-'));
    expect(touched(rowOps).every((id) => id.startsWith('email-row-m5') || id === 'email-inbox-list')).toBe(true);
    expect(rowOps.filter((op) => op.path.startsWith('/components/email-inbox-list'))).toEqual([{ op: 'remove', path: '/components/email-inbox-list/children/2' }]);
    expect(rowOps.filter((op) => op.op !== 'remove')).toEqual([]);
    expect(mailbox('bob').messages.find((m) => m.id === 'm5')!.labels).not.toContain('INBOX');
  });

  test('mark read changes that row only: the badge goes, the sender is no longer bold', async () => {
    const { version } = await surfaceOf(server.url, BOB.token);
    const res = await act(server.url, BOB.token, 'mark_read', { email_id: 'm4' }, { base_version: version });
    expect(res.body.side_effects).toEqual([{ type: 'toast', variant: 'success', message: 'Marked as read.' }]);
    const rowOps = res.ops.filter((op) => op.path.startsWith('/components/email-'));
    expect(touched(rowOps).sort()).toEqual([
      'email-row-m4-from',
      'email-row-m4-subject',
      'email-row-m4-top',
      'email-row-m4-unread',
      'email-row-m4-unread-badge',
      'email-row-m4-unread-icon',
    ]);
    expect(rowOps).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/components/email-row-m4-from/variant', value: 'body' },
        { op: 'remove', path: '/components/email-row-m4-unread-badge' },
      ]),
    );
  });

  test('a message arriving adds its row only (and the row it pushes off the page leaves), in a tab that did not send it', async () => {
    // Mail to yourself lands in your inbox: one tab watches the inbox, another view sends.
    const before = await openInbox(BOB.token);
    const client = await LiveClient.open(server.url, BOB.token, 'bobs-inbox-tab');
    try {
      await client.action('navigate', { to: '/email/inbox' });
      const sent = await act(server.url, BOB.token, 'send', { to: 'you@example.com', subject: 'Note to self', body: 'Call the bank.' }, { context: { route: '/email/compose' } });
      expect(sent.body.side_effects).toContainEqual({ type: 'navigate', to: '/email/inbox' });
      await waitFor(() => childrenOf(client.doc!, 'email-inbox-list')[0] === 'email-row-m9', 'the new row', 10_000);
      const frame = client.frames.find((f) => f.ops.some((op) => op.path === '/components/email-row-m9'))!;
      const listOps = frame.ops.filter((op) => op.path.startsWith('/components/email-inbox-list'));
      expect(listOps).toEqual(expect.arrayContaining([{ op: 'add', path: '/components/email-inbox-list/children/0', value: 'email-row-m9' }]));
      const rows = touched(frame.ops).filter((id) => id.startsWith('email-row-'));
      const pushedOff = childrenOf(before, 'email-inbox-list').at(-1)!;
      expect(rows.every((id) => id.startsWith('email-row-m9') || id.startsWith(pushedOff))).toBe(true);
      expect(textOf(client.doc!, 'email-row-m9-subject')).toBe('Note to self');
    } finally {
      client.close();
    }
  });
});

describe('conversations', () => {
  test('a thread opened through its older message replies to the latest one, and reading it read the conversation', async () => {
    const client = await LiveClient.open(server.url, BOB.token, 'bobs-thread-tab');
    try {
      await client.action('navigate', { to: '/email/inbox' });
      const ack = await client.action('open_thread', { email_id: 'm1' });
      expect(ack.status).toBe('success');
      const doc = client.doc!;
      expect(childrenOf(doc, 'email-thread-messages')).toEqual(['email-msg-m1', 'email-msg-m2', 'email-msg-m3']);
      expect(component(doc, 'email-reply')).toMatchObject({ action: { event: { name: 'reply', context: { email_id: 'm3' } } } });
      const reply = await client.action('reply', { email_id: 'm3' });
      expect(reply.status).toBe('success');
      const body = (client.doc!.dataModel.email as { compose: { body: string } }).compose.body;
      expect(body).toContain('add a slide on the mobile launch');
    } finally {
      client.close();
    }
  });
});

describe('users', () => {
  test('each user has their own mailbox file: what one archives or sends, the other never sees', async () => {
    await act(server.url, ALICE.token, 'navigate', { to: '/email/inbox' });
    await act(server.url, ALICE.token, 'archive', { email_id: 'm1' });
    const bob = await openInbox(BOB.token);
    await act(server.url, BOB.token, 'search', { query: 'from:priya' });
    const bobDoc = (await surfaceOf(server.url, BOB.token)).doc;
    expect(childrenOf(bobDoc, 'email-inbox-list')).toContain('email-row-m3');
    expect(bob.dataModel.app).toMatchObject({ user_id: 'bob' });
    expect(mailbox('alice').messages.find((m) => m.id === 'm1')!.labels).not.toContain('INBOX');
    expect(mailbox('bob').messages.find((m) => m.id === 'm1')!.labels).toContain('INBOX');
    // Alice's reply (m9 in her mailbox) is not in Bob's: his m9 is his own note.
    expect(mailbox('bob').messages.find((m) => m.id === 'm9')!.subject).toBe('Note to self');
    expect(JSON.stringify(mailbox('bob'))).not.toContain('slide added');
    expect(fs.statSync(mailboxFile('alice')).mode & 0o777).toBe(0o600);
    await act(server.url, BOB.token, 'search', { query: '' });
  });
});

describe('hostile input', () => {
  const cases: Array<[string, string, Record<string, unknown>, RegExp]> = [
    ['CR/LF in Subject (header injection)', 'send', { to: 'a@example.com', subject: 'Hi\r\nBcc: evil@example.com', body: 'x' }, /payload\.subject: must be one line/],
    ['LF in To (header injection)', 'send', { to: 'a@example.com\nBcc: evil@example.com', subject: 'Hi', body: 'x' }, /payload\.to/],
    ['To that is not an address', 'send', { to: 'not an address', subject: 'Hi', body: 'x' }, /payload\.to: must be 1 to 50 email addresses/],
    ['a body over 100,000 characters', 'send', { to: 'a@example.com', subject: 'Hi', body: 'x'.repeat(100_001) }, /payload\.body/],
    ['a wrong type', 'send', { to: 5, subject: 'Hi', body: 'x' }, /payload\.to: Invalid input: expected string, received number/],
    ['a missing field', 'send', { to: 'a@example.com', body: 'x' }, /payload\.subject/],
    ['a path as a message id', 'open_thread', { email_id: '../../etc/passwd' }, /payload\.email_id: must be a message id/],
    ['an object as a message id', 'archive', { email_id: { $ne: null } }, /payload\.email_id/],
    ['a 201-character message id', 'mark_read', { email_id: 'a'.repeat(201) }, /payload\.email_id/],
    ['a newline in a search', 'search', { query: 'a\nb' }, /payload\.query/],
    ['in_reply_to that is not an id', 'send', { to: 'a@example.com', subject: 'Hi', body: 'x', in_reply_to: 'm1/../m2' }, /payload\.in_reply_to/],
  ];

  test.each(cases)('%s is refused with 400 in the one error shape, and the mailbox does not change', async (_name, action, payload, message) => {
    await act(server.url, BOB.token, 'navigate', { to: '/email/compose' });
    const before = fs.readFileSync(mailboxFile('bob'), 'utf8');
    const res = await act(server.url, BOB.token, action, payload);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'INVALID_INPUT', message: expect.stringMatching(message) } });
    expect(fs.readFileSync(mailboxFile('bob'), 'utf8')).toBe(before);
  });

  test('a body over the 1 MB request limit is 413, and over the socket a bad payload is an error ack', async () => {
    const res = await fetch(`${server.url}/api/a2ui/action`, {
      method: 'POST',
      headers: { ...bearer(BOB.token), 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'send', payload: { to: 'a@example.com', subject: 'Hi', body: 'x'.repeat(1_100_000) } }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });

    const client = await LiveClient.open(server.url, BOB.token);
    try {
      const before = fs.readFileSync(mailboxFile('bob'), 'utf8');
      const ack = await emitAck<{ status: string; error?: { code: string } }>(client.socket, 'action', { action: 'send', payload: { to: 'a@example.com\r\nBcc: x@example.com', subject: 'Hi', body: '' } });
      expect(ack).toMatchObject({ status: 'error', error: { code: 'INVALID_INPUT' } });
      expect(fs.readFileSync(mailboxFile('bob'), 'utf8')).toBe(before);
    } finally {
      client.close();
    }
  });

  test('Google sign-in is off with the local mailbox: sign_in is an error toast, login is 404, status says not signed in', async () => {
    await act(server.url, BOB.token, 'navigate', { to: '/email/inbox' });
    const res = await act(server.url, BOB.token, 'sign_in');
    expect(res.body).toMatchObject({ status: 'error', error: { message: expect.stringContaining('MAIL_PROVIDER is gmail') } });
    const login = await fetch(`${server.url}/auth/google/login`, { headers: bearer(BOB.token), redirect: 'manual' });
    expect(login.status).toBe(404);
    expect(await login.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining('Google sign-in is off') } });
    const status = await fetch(`${server.url}/auth/google/status`, { headers: bearer(BOB.token) });
    expect(await status.json()).toEqual({ signed_in: false });
  });
});

test('every component of the inbox, thread and compose screens is valid A2UI v0.9', async () => {
  const docs: Doc[] = [await openInbox(ALICE.token)];
  await act(server.url, ALICE.token, 'open_thread', { email_id: 'm4' });
  docs.push((await surfaceOf(server.url, ALICE.token)).doc);
  await act(server.url, ALICE.token, 'reply', { email_id: 'm4' });
  docs.push((await surfaceOf(server.url, ALICE.token)).doc);
  let checked = 0;
  for (const doc of docs) {
    for (const [id, c] of Object.entries(doc.components)) {
      if (!id.startsWith('email-')) continue;
      expect({ id, errors: schemaErrors(c) }).toEqual({ id, errors: null });
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(60);
});
