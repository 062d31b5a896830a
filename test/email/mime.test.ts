import {
  buildMessage,
  decodeEncodedWords,
  displayName,
  encodedWords,
  encodeUnstructured,
  parseAddressList,
  quotedReply,
  replySubject,
} from '../../agents/email/mime';
import { PluginError } from '../../agents/errors';
import { parseRawMessage } from '../helpers/fake-google';

describe('RFC 2047 encoded-words', () => {
  test('ASCII subjects stay as they are; others become UTF-8 B words of at most 75 characters that decode back', () => {
    expect(encodeUnstructured('Re: Lunch next week?')).toBe('Re: Lunch next week?');
    const subject = 'Re: Menu du vendredi ☕ — café & croissants, très bien, à bientôt 🥐🥐🥐';
    const encoded = encodeUnstructured(subject);
    expect(encoded).toMatch(/^=\?UTF-8\?B\?/);
    for (const line of encoded.split('\r\n ')) expect(line.length).toBeLessThanOrEqual(75);
    expect(encoded.split('\r\n ').length).toBeGreaterThan(1);
    expect(decodeEncodedWords(encoded.replace(/\r\n /g, ' '))).toBe(subject);
  });

  test('a word never splits a multi-byte character', () => {
    const text = '🥐'.repeat(40); // 4 bytes each: 11 per 45-byte word
    const words = encodedWords(text);
    for (const word of words) {
      const bytes = Buffer.from(word.slice(10, -2), 'base64');
      expect(bytes.toString('utf8')).toBe('🥐'.repeat(bytes.length / 4));
    }
    expect(words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('')).toBe(text);
  });

  test('decodes B and Q words, joins adjacent words, and leaves unknown charsets as written', () => {
    expect(decodeEncodedWords('=?UTF-8?B?Wm/DqyBNYXJ0aW4=?= <zoe@cafe.example>')).toBe('Zoë Martin <zoe@cafe.example>');
    expect(decodeEncodedWords('=?ISO-8859-1?Q?Caf=E9_cr=E8me?=')).toBe('Café crème');
    expect(decodeEncodedWords('=?UTF-8?B?Q2Fm?= =?UTF-8?B?w6k=?=')).toBe('Café');
    expect(decodeEncodedWords('=?x-unknown-charset?B?QQ==?=')).toBe('=?x-unknown-charset?B?QQ==?=');
  });
});

describe('addresses', () => {
  test('parses bare, named, quoted and listed addresses', () => {
    expect(parseAddressList('ada@example.com')).toEqual([{ name: null, address: 'ada@example.com' }]);
    expect(parseAddressList('"Doe, Jane" <jane@example.com>, Bob <bob@example.org>')).toEqual([
      { name: 'Doe, Jane', address: 'jane@example.com' },
      { name: 'Bob', address: 'bob@example.org' },
    ]);
    expect(displayName('"Ada L." <ada@x.org>')).toBe('Ada L.');
    expect(displayName('ada@x.org')).toBe('ada@x.org');
  });

  test('refuses what is not a list of addresses, and any control character', () => {
    for (const bad of ['', 'not an address', 'ada@', '@example.com', 'a@b.com\r\nBcc: evil@x.com', 'a@b.com\nX: y', 'Ada <ada@example.com', 'a"b <a@b.com>', Array(51).fill('a@b.com').join(',')]) {
      expect(parseAddressList(bad)).toBeNull();
    }
  });
});

describe('buildMessage', () => {
  test('writes a threaded reply: CRLF lines, encoded subject and names, In-Reply-To, References, base64 UTF-8 body', () => {
    const raw = buildMessage({
      from: 'me@example.com',
      to: 'Zoë Martin <zoe@cafe.example>',
      subject: 'Re: Café ☕ on Friday',
      body: 'Oui, parfait !\nÀ vendredi.',
      inReplyTo: '<m3@mail.example>',
      references: '<m1@mail.example> <m2@mail.example>',
    });
    expect(raw.split('\r\n\r\n')[0]).not.toMatch(/[^\r]\n/);
    const parsed = parseRawMessage(raw);
    expect(decodeEncodedWords(parsed.header('Subject')!)).toBe('Re: Café ☕ on Friday');
    expect(parsed.header('Subject')).toMatch(/^=\?UTF-8\?B\?/);
    expect(decodeEncodedWords(parsed.header('To')!)).toBe('Zoë Martin <zoe@cafe.example>');
    expect(parsed.header('In-Reply-To')).toBe('<m3@mail.example>');
    expect(parsed.header('References')).toBe('<m1@mail.example> <m2@mail.example> <m3@mail.example>');
    expect(parsed.header('Content-Type')).toBe('text/plain; charset=UTF-8');
    expect(parsed.body).toBe('Oui, parfait !\r\nÀ vendredi.');
  });

  test('refuses a header value with CR or LF: no header can be injected', () => {
    const base = { from: null, to: 'a@b.com', subject: 'Hi', body: '', inReplyTo: null, references: null };
    expect(() => buildMessage({ ...base, subject: 'Hi\r\nBcc: evil@x.com' })).toThrow(PluginError);
    expect(() => buildMessage({ ...base, to: 'a@b.com\r\nBcc: evil@x.com' })).toThrow(/To/);
    expect(() => buildMessage({ ...base, subject: 'Hi\u0000' })).toThrow(/Subject/);
  });
});

describe('replies', () => {
  test('Re: is added once, and the quote marks every line', () => {
    expect(replySubject('Lunch?')).toBe('Re: Lunch?');
    expect(replySubject('RE: Lunch?')).toBe('RE: Lunch?');
    const quoted = quotedReply({ from: 'Ada <ada@x.org>', date: '2025-01-02T03:04:05.000Z', body: 'one\r\n\r\ntwo' });
    expect(quoted).toBe('\n\nOn Thu, 02 Jan 2025 03:04:05 GMT, Ada <ada@x.org> wrote:\n> one\n>\n> two');
  });
});
