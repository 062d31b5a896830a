/**
 * The local mailbox on a real lowdb file (the server's 0600 store): sample mail on first use, paging,
 * search, threads, replies that land in Sent and in their thread, archive and mark read that persist.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LocalMailProvider, localMailboxFileSchema, type LocalMailboxFile } from '../../agents/email/local-provider';
import { LOCAL_ADDRESS, sampleMailbox } from '../../agents/email/sample-mail';
import { openStore } from '../../server/app/store';
import { tempDir } from '../helpers/server';

async function open(file: string): Promise<{ provider: LocalMailProvider; data: () => LocalMailboxFile }> {
  const store = await openStore<LocalMailboxFile>(file, sampleMailbox(), localMailboxFileSchema);
  return { provider: new LocalMailProvider(store), data: () => JSON.parse(fs.readFileSync(file, 'utf8')) as LocalMailboxFile };
}

const page = { query: '', pageToken: null, pageSize: 20 };

test('a new mailbox has the sample threads, newest first, in a 0600 file', async () => {
  const file = path.join(tempDir(), 'mail', 'mailbox-ada.json');
  const { provider } = await open(file);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const inbox = await provider.list(page);
  expect(inbox.messages.length).toBeGreaterThanOrEqual(6);
  expect(inbox.nextPageToken).toBeNull();
  const dates = inbox.messages.map((m) => m.date);
  expect([...dates].sort().reverse()).toEqual(dates);
  expect(inbox.messages.some((m) => m.unread)).toBe(true);
  expect(inbox.messages.find((m) => m.id === 'm4')).toMatchObject({ from: 'Zoë Martin', subject: expect.stringContaining('café'), unread: true });
  // Sent mail is not in the inbox.
  expect(inbox.messages.map((m) => m.id)).not.toContain('m2');
});

test('pages follow the page token; search matches words, from:, subject: and is:unread', async () => {
  const { provider } = await open(path.join(tempDir(), 'mailbox.json'));
  const first = await provider.list({ ...page, pageSize: 3 });
  expect(first.messages).toHaveLength(3);
  expect(first.nextPageToken).toBe('3');
  const second = await provider.list({ ...page, pageSize: 3, pageToken: first.nextPageToken });
  expect(second.messages.map((m) => m.id)).not.toContain(first.messages[0]!.id);
  expect((await provider.list({ ...page, query: 'croissants' })).messages.map((m) => m.id)).toEqual(['m4']);
  // m1 and m3 (Priya's two messages) are one conversation: one row, at its newest, counting the thread.
  const priya = (await provider.list({ ...page, query: 'from:priya' })).messages;
  expect(priya.map((m) => m.id)).toEqual(['m3']);
  expect(priya[0]!.count).toBeGreaterThanOrEqual(2);
  expect((await provider.list({ ...page, query: 'subject:invoice' })).messages.map((m) => m.id)).toEqual(['m8']);
  expect((await provider.list({ ...page, query: 'is:unread' })).messages.every((m) => m.unread)).toBe(true);
  expect((await provider.list({ ...page, query: 'no-such-word-anywhere' })).messages).toEqual([]);
  await expect(provider.list({ ...page, pageToken: '../1' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
});

test('a thread holds every message of the conversation, oldest first, sent ones included', async () => {
  const { provider } = await open(path.join(tempDir(), 'mailbox.json'));
  const thread = await provider.thread('m3');
  expect(thread.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
  expect(thread.subject).toBe('Q3 roadmap review');
  await expect(provider.thread('m999')).rejects.toMatchObject({ code: 'NOT_FOUND' });
});

test('a reply lands in Sent and in its thread, and survives a reopen; mail to yourself also lands in the inbox', async () => {
  const file = path.join(tempDir(), 'mailbox.json');
  const { provider } = await open(file);
  const { id } = await provider.send({ to: 'Priya Raman <priya@northwind.example>', subject: 'Re: Q3 roadmap review', body: 'Slide added.', inReplyTo: 'm3' });
  const thread = await provider.thread('m3');
  expect(thread.messages.at(-1)).toMatchObject({ id, body: 'Slide added.', from: `You <${LOCAL_ADDRESS}>` });
  expect((await provider.list(page)).messages.map((m) => m.id)).not.toContain(id);

  const note = await provider.send({ to: LOCAL_ADDRESS, subject: 'Note to self', body: 'Buy milk', inReplyTo: null });
  expect((await provider.list(page)).messages[0]).toMatchObject({ id: note.id, subject: 'Note to self', unread: true });

  const reopened = await open(file);
  expect(reopened.data().messages.find((m) => m.id === id)).toMatchObject({ labels: ['SENT'], threadId: 't1' });
  expect((await reopened.provider.thread(id)).messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3', id]);
});

test('archive and mark read change labels and persist; bad input changes nothing', async () => {
  const file = path.join(tempDir(), 'mailbox.json');
  const { provider, data } = await open(file);
  await provider.archive('m5');
  await provider.markRead('m4');
  const reopened = await open(file);
  const ids = (await reopened.provider.list(page)).messages.map((m) => m.id);
  expect(ids).not.toContain('m5');
  expect((await reopened.provider.list(page)).messages.find((m) => m.id === 'm4')?.unread).toBe(false);
  const before = fs.readFileSync(file, 'utf8');
  await expect(provider.archive('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  await expect(provider.send({ to: 'not an address', subject: 'x', body: '', inReplyTo: null })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  await expect(provider.send({ to: 'a@b.com', subject: 'x', body: '', inReplyTo: 'm404' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  expect(fs.readFileSync(file, 'utf8')).toBe(before);
  expect(data().nextId).toBe(9);
});
