/**
 * The mail a new local mailbox starts with: a handful of ordinary threads (one unanswered question, a
 * conversation the user took part in, non-ASCII names and subjects, a notification, a long message),
 * dated relative to the moment the mailbox is created so the inbox always looks recent.
 */
import type { LocalMailboxFile, LocalMessage } from './local-provider';

export const LOCAL_ADDRESS = 'you@example.com';
const LOCAL_NAME = 'You';
const ME = `${LOCAL_NAME} <${LOCAL_ADDRESS}>`;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Seed {
  thread: string;
  ago: number;
  from: string;
  to?: string;
  subject: string;
  body: string;
  labels: string[];
}

const SEEDS: Seed[] = [
  {
    thread: 't1',
    ago: 3 * DAY,
    from: 'Priya Raman <priya@northwind.example>',
    subject: 'Q3 roadmap review',
    body: 'Hi,\n\nCould you send me your notes on the Q3 roadmap before Thursday? I would like to merge them into the deck.\n\nThanks,\nPriya',
    labels: ['INBOX'],
  },
  {
    thread: 't1',
    ago: 3 * DAY - 2 * HOUR,
    from: ME,
    to: 'Priya Raman <priya@northwind.example>',
    subject: 'Re: Q3 roadmap review',
    body: 'Hi Priya,\n\nSure, I will have them to you by Wednesday evening.\n\nBest',
    labels: ['SENT'],
  },
  {
    thread: 't1',
    ago: 40 * MINUTE,
    from: 'Priya Raman <priya@northwind.example>',
    subject: 'Re: Q3 roadmap review',
    body: 'Thanks! One more thing: can you add a slide on the mobile launch? Two or three bullet points are enough.\n\nPriya',
    labels: ['INBOX', 'UNREAD'],
  },
  {
    thread: 't2',
    ago: 2 * HOUR,
    from: 'Zoë Martin <zoe@cafe-lumiere.example>',
    subject: 'Menu du vendredi ☕ — café & croissants',
    body: 'Bonjour !\n\nFor Friday\'s team breakfast we can do croissants, pains au chocolat and a big pot of café crème for 12 people. Does 9:00 still work?\n\nÀ bientôt,\nZoë',
    labels: ['INBOX', 'UNREAD'],
  },
  {
    thread: 't3',
    ago: 5 * HOUR,
    from: 'CI <ci@builds.example>',
    subject: '[a2ui-orchestrator] Build passed on main',
    body: 'All checks passed for commit 4b348e9 on main.\n\n  typecheck  ok\n  unit       ok\n  browser    ok\n\nYou are receiving this because you watch this repository.',
    labels: ['INBOX'],
  },
  {
    thread: 't4',
    ago: 1 * DAY,
    from: 'Mei Chen <mei.chen@northwind.example>',
    subject: 'Design review: inbox keyboard shortcuts',
    body:
      'Hi all,\n\nAhead of tomorrow\'s review, here is the proposal for keyboard shortcuts in the inbox:\n\n' +
      '- j / k: next and previous message\n- e: archive\n- r: reply\n- /: focus the search box\n\n' +
      'Open questions:\n1. Should "e" ask for confirmation when several messages are selected?\n' +
      '2. Do we show a cheat sheet on "?" like most mail clients do?\n\n' +
      'Please reply with comments before 5 pm so I can fold them into the slides.\n\nMei',
    labels: ['INBOX', 'UNREAD'],
  },
  {
    thread: 't5',
    ago: 2 * DAY,
    from: 'Tomás Álvarez <tomas@alvarez.example>',
    subject: 'Lunch next week?',
    body: 'Hey! I am in town next Tuesday and Wednesday. Lunch at the usual place?\n\nTomás',
    labels: ['INBOX'],
  },
  {
    thread: 't6',
    ago: 4 * DAY,
    from: 'Billing <billing@cloudhost.example>',
    subject: 'Your invoice for October is ready',
    body: 'Hello,\n\nYour invoice INV-2291 for October (EUR 42.00) is ready. It will be charged to the card on file on the 5th.\n\nCloudHost Billing',
    labels: ['INBOX'],
  },
];

/** A new mailbox, as of `now`. */
export function sampleMailbox(now: number = Date.now()): LocalMailboxFile {
  const messages: LocalMessage[] = SEEDS.map((seed, i) => ({
    id: `m${i + 1}`,
    threadId: seed.thread,
    from: seed.from,
    to: seed.to ?? ME,
    subject: seed.subject,
    date: new Date(now - seed.ago).toISOString(),
    body: seed.body,
    labels: seed.labels,
  }));
  return { version: 1, address: LOCAL_ADDRESS, name: LOCAL_NAME, nextId: messages.length + 1, messages };
}
