/**
 * Internet messages (RFC 5322) for Gmail's `raw` field, and the header words around them: addresses,
 * RFC 2047 encoded-words for non-ASCII text, reply subjects and quotes.
 *
 * Header values come from users, so nothing with a CR, LF or other control character ever reaches a
 * header: the payload schemas refuse it, and `assertHeaderSafe` refuses it again here, where a header
 * injection would actually happen.
 */
import { PluginError } from '../errors';

/** Control characters (C0 and DEL) end or corrupt a header line. */
const CONTROL = /[\u0000-\u001f\u007f]/;
const ASCII_PRINTABLE = /^[\u0020-\u007e]*$/;
/** `local@domain.tld`: the local part's atext, a dotted domain. */
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
/** A display name that needs no quotes (RFC 5322 atext and spaces). */
const PLAIN_NAME = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/;
export const MAX_RECIPIENTS = 50;
/** An encoded-word may be 75 characters: `=?UTF-8?B?` + 60 base64 characters (45 bytes) + `?=`. */
const WORD_BYTES = 45;

export interface Address {
  name: string | null;
  address: string;
}

export function hasControlCharacters(value: string): boolean {
  return CONTROL.test(value);
}

export function assertHeaderSafe(field: string, value: string): void {
  if (hasControlCharacters(value)) throw new PluginError('INVALID_INPUT', `${field} must be one line without control characters.`);
}

/** Splits on commas that are outside quotes and angle brackets. */
function splitList(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted && ch === '\\' && i + 1 < value.length) {
      current += ch + value[++i]!;
      continue;
    }
    if (ch === '"' && !angle) quoted = !quoted;
    else if (ch === '<' && !quoted) angle = true;
    else if (ch === '>' && !quoted) angle = false;
    if (ch === ',' && !quoted && !angle) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseOne(item: string): Address | null {
  const angled = /^(.*)<([^<>]+)>$/.exec(item);
  if (!angled) return ADDRESS.test(item) ? { name: null, address: item } : null;
  const address = angled[2]!.trim();
  if (!ADDRESS.test(address)) return null;
  let name = angled[1]!.trim();
  if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  else if (name.includes('"')) return null;
  return { name: name === '' ? null : name, address };
}

/**
 * `Ada <ada@example.com>, bob@example.com` → addresses; null when any item is not an address (or the
 * list is empty or too long), so the caller can say which field is wrong.
 */
export function parseAddressList(value: string): Address[] | null {
  if (hasControlCharacters(value)) return null;
  const items = splitList(value);
  if (items.length === 0 || items.length > MAX_RECIPIENTS) return null;
  const out: Address[] = [];
  for (const item of items) {
    const parsed = parseOne(item);
    if (!parsed) return null;
    out.push(parsed);
  }
  return out;
}

/** The display name of a From header, else its address: `"Ada L." <ada@x.org>` → `Ada L.`. */
export function displayName(from: string): string {
  const parsed = parseOne(from.trim());
  if (parsed) return parsed.name ?? parsed.address;
  return from.trim();
}

/** The bare address of a From header, or the header itself when it does not parse. */
export function addressOf(from: string): string {
  return parseOne(from.trim())?.address ?? from.trim();
}

/** UTF-8 text as RFC 2047 B encoded-words of at most 75 characters, never splitting a character. */
export function encodedWords(text: string): string[] {
  const words: string[] = [];
  let chunk: number[] = [];
  const flush = () => {
    if (chunk.length) words.push(`=?UTF-8?B?${Buffer.from(chunk).toString('base64')}?=`);
    chunk = [];
  };
  for (const char of text) {
    const bytes = [...Buffer.from(char, 'utf8')];
    if (chunk.length + bytes.length > WORD_BYTES) flush();
    chunk.push(...bytes);
  }
  flush();
  return words;
}

/** An unstructured header value (Subject): as is when printable ASCII, else folded encoded-words. */
export function encodeUnstructured(value: string): string {
  if (ASCII_PRINTABLE.test(value)) return value;
  return encodedWords(value).join('\r\n ');
}

function encodeName(name: string): string {
  if (!ASCII_PRINTABLE.test(name)) return encodedWords(name).join(' ');
  if (PLAIN_NAME.test(name)) return name;
  return `"${name.replace(/(["\\])/g, '\\$1')}"`;
}

export function formatAddress(a: Address): string {
  return a.name ? `${encodeName(a.name)} <${a.address}>` : a.address;
}

/** Decodes RFC 2047 encoded-words (B and Q, any charset the platform knows) in a header value. */
export function decodeEncodedWords(value: string): string {
  // Whitespace between two adjacent encoded-words is not part of the text (RFC 2047 section 6.2).
  const joined = value.replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?)/g, '$1');
  return joined.replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g, (whole, charset: string, encoding: string, text: string) => {
    try {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
      return new TextDecoder(charset.split('*')[0]!.toLowerCase()).decode(bytes);
    } catch {
      return whole; // an unknown charset stays as written rather than failing the whole message
    }
  });
}

/** `Re: ` once: a subject that already starts with Re: (any case) is kept. */
export function replySubject(subject: string): string {
  const trimmed = subject.trim();
  return /^re:/i.test(trimmed) ? trimmed : `Re: ${trimmed}`;
}

/** The body of a reply before the user writes: a blank line for them, then the quoted original. */
export function quotedReply(original: { from: string; date: string; body: string }): string {
  const when = new Date(original.date);
  const stamp = Number.isNaN(when.getTime()) ? original.date : when.toUTCString();
  const quoted = original.body
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
  return `\n\nOn ${stamp}, ${original.from} wrote:\n${quoted}`;
}

export interface OutgoingMessage {
  from: string | null;
  to: string;
  subject: string;
  body: string;
  /** The Message-ID of the message answered, with its angle brackets. */
  inReplyTo: string | null;
  /** The References of the message answered (space-separated Message-IDs). */
  references: string | null;
  date?: Date;
}

/** At most this many Message-IDs in References (RFC 5322 suggests trimming long chains). */
const MAX_REFERENCES = 20;

function base64Lines(text: string): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  return encoded.replace(/.{1,76}/g, '$&\r\n');
}

/**
 * An RFC 5322 message with a UTF-8 plain-text body (base64, so any text is safe to carry). Lines end
 * in CRLF. Throws INVALID_INPUT for a header value with control characters or a bad address list.
 */
export function buildMessage(message: OutgoingMessage): string {
  for (const [field, value] of [
    ['To', message.to],
    ['Subject', message.subject],
    ['From', message.from ?? ''],
    ['In-Reply-To', message.inReplyTo ?? ''],
    ['References', message.references ?? ''],
  ] as const) {
    assertHeaderSafe(field, value);
  }
  const to = parseAddressList(message.to);
  if (!to) throw new PluginError('INVALID_INPUT', 'To must be one or more email addresses, separated by commas.');
  const headers: string[] = [];
  if (message.from) {
    const from = parseAddressList(message.from);
    headers.push(`From: ${from ? from.map(formatAddress).join(', ') : message.from}`);
  }
  headers.push(`To: ${to.map(formatAddress).join(',\r\n ')}`);
  headers.push(`Subject: ${encodeUnstructured(message.subject)}`);
  headers.push(`Date: ${(message.date ?? new Date()).toUTCString()}`);
  if (message.inReplyTo) {
    headers.push(`In-Reply-To: ${message.inReplyTo}`);
    const chain = [...(message.references ?? '').split(/\s+/).filter((id) => id !== ''), message.inReplyTo];
    const unique = chain.filter((id, i) => chain.indexOf(id) === i).slice(-MAX_REFERENCES);
    headers.push(`References: ${unique.join('\r\n ')}`);
  }
  headers.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: base64');
  const body = message.body.replace(/\r\n?/g, '\n').replace(/\n/g, '\r\n');
  return `${headers.join('\r\n')}\r\n\r\n${base64Lines(body)}`;
}

export function toBase64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
