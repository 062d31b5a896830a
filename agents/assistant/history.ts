/**
 * Conversation history per user and namespace, persisted, and bounded: past the limit the oldest
 * messages go, cut where a conversation can restart (a user message of plain text, never an orphaned
 * tool result, which the Messages API would refuse).
 */
import { randomBytes } from 'node:crypto';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';
import { SESSION_ID } from '../control/ids';
import { PluginError } from '../errors';
import { Listeners } from '../listeners';
import type { PersistentStore } from '../types';

export interface Conversation {
  messages: MessageParam[];
  updated_at: string;
}

export interface HistoryFile {
  /** user id → namespace → conversation */
  users: Record<string, Record<string, Conversation>>;
}

/**
 * What `chat-history.json` must hold (checked when it is read). Content blocks are the Messages API's
 * (text, tool_use, tool_result, …): their own fields are kept as they are, only their `type` is checked.
 */
const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
});
export const historyFileSchema = z.object({
  users: z.record(z.string(), z.record(z.string(), z.object({ messages: z.array(messageSchema), updated_at: z.string() }))),
}) as unknown as z.ZodType<HistoryFile, unknown>;

const NAMESPACE = /^[A-Za-z0-9_.:-]{1,64}$/;
/** The panel's conversation. */
export const DEFAULT_NAMESPACE = 'default';

/**
 * A conversation's namespace is also its chat session id (`GET /api/sessions/:id`, as the chat
 * gateway document has it), beside agent sessions' ids: so a namespace never has an agent session
 * id's form (`s-` and 24 hex digits), and the two never collide.
 */
export function checkNamespace(namespace: string): string {
  if (!NAMESPACE.test(namespace) || namespace === '__proto__') {
    throw new PluginError('INVALID_INPUT', 'namespace must be 1–64 characters of A-Z a-z 0-9 _ . : -');
  }
  if (SESSION_ID.test(namespace)) throw new PluginError('INVALID_INPUT', 'namespace must not look like an agent session id (s- and 24 hex digits).');
  return namespace;
}

/** A new conversation's namespace (a chat without one): `chat-` and 24 hex digits. */
export function newNamespace(): string {
  return `chat-${randomBytes(12).toString('hex')}`;
}

/** A message a conversation may start with: the user's own words, not a tool result. */
function isOpening(message: MessageParam): boolean {
  if (message.role !== 'user') return false;
  return typeof message.content === 'string' || message.content.every((block) => block.type === 'text');
}

/** The newest part of `messages` of at most `limit` messages that starts at an opening. */
export function bound(messages: readonly MessageParam[], limit: number): MessageParam[] {
  let start = Math.max(0, messages.length - limit);
  while (start < messages.length && !isOpening(messages[start]!)) start++;
  return messages.slice(start);
}

export type HistoryListener = (userId: string, namespace: string) => void;

export class ConversationStore {
  private readonly listeners = new Listeners<Parameters<HistoryListener>>('assistant');

  constructor(
    private readonly store: PersistentStore<HistoryFile>,
    private readonly limit: number,
  ) {}

  get(userId: string, namespace: string): MessageParam[] {
    return [...(this.conversation(userId, namespace)?.messages ?? [])];
  }

  /** The user's conversation in `namespace`, or undefined when there is none. */
  conversation(userId: string, namespace: string): Conversation | undefined {
    checkNamespace(namespace);
    const user = this.user(userId);
    return user && Object.hasOwn(user, namespace) ? user[namespace] : undefined;
  }

  async save(userId: string, namespace: string, messages: readonly MessageParam[]): Promise<void> {
    checkNamespace(namespace);
    const users = this.store.data.users;
    if (!Object.hasOwn(users, userId)) users[userId] = {};
    users[userId]![namespace] = { messages: bound(messages, this.limit), updated_at: new Date().toISOString() };
    await this.store.write();
    this.listeners.emit(userId, namespace);
  }

  /** Hears every saved or cleared conversation (the panel follows chats made over the API). */
  onChange(listener: HistoryListener): () => void {
    return this.listeners.subscribe(listener);
  }

  /** Forgets a conversation; false when there was none. */
  async clear(userId: string, namespace: string): Promise<boolean> {
    checkNamespace(namespace);
    const user = this.user(userId);
    if (!user || !Object.hasOwn(user, namespace)) return false;
    delete user[namespace];
    await this.store.write();
    this.listeners.emit(userId, namespace);
    return true;
  }

  private user(userId: string): Record<string, Conversation> | undefined {
    const users = this.store.data.users;
    return Object.hasOwn(users, userId) ? users[userId] : undefined;
  }
}
