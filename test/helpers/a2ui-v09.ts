/**
 * Test clients of the A2UI v0.9 transport. The state is kept by the official `MessageProcessor`
 * (`@a2ui/web_core/v0_9`) with the basic catalog of `@a2ui/lit/v0_9` (what /lit.html runs): every
 * message a test receives goes through it, and any it refuses is recorded in `errors`; `expectValid()`
 * fails a test on the first one. Buttons are "clicked" the way the renderer does it: the action's
 * context resolved against the client's data model by web_core's own DataContext.
 */
import { basicCatalog, type LitComponentApi } from '@a2ui/lit/v0_9';
import { ComponentContext, MessageProcessor, type A2uiClientAction, type A2uiMessage } from '@a2ui/web_core/v0_9';
import http from 'node:http';
import type { A2uiV09Message } from '../../server/transport/a2ui-v09';
import { waitFor } from './wait';

const SURFACE_ID = 'main';

export interface ClientAction {
  version: 'v0.9';
  action: A2uiClientAction;
}

/** Every OfficialClient of the running test file, so that a test can check them all at once. */
const clients: OfficialClient[] = [];

export class OfficialClient {
  readonly processor: MessageProcessor<LitComponentApi>;
  readonly received: A2uiV09Message[] = [];
  readonly errors: string[] = [];
  private dispatched: ((action: A2uiClientAction) => void) | undefined;

  /** `track: false` keeps it out of `expectAllValid` (a client meant to see refusals). */
  constructor(
    readonly name = 'client',
    options: { track?: boolean } = {},
  ) {
    this.processor = new MessageProcessor([basicCatalog], (action: A2uiClientAction) => this.dispatched?.(action));
    if (options.track !== false) clients.push(this);
  }

  /** Feeds messages as they came over the wire (a JSON copy each), recording the ones refused. */
  process(messages: readonly A2uiV09Message[]): void {
    for (const message of messages) {
      this.received.push(message);
      try {
        this.processor.processMessages([JSON.parse(JSON.stringify(message)) as A2uiMessage]);
      } catch (error) {
        this.errors.push(`${(error as Error).message} — in ${JSON.stringify(message).slice(0, 400)}`);
      }
    }
  }

  get hasSurface(): boolean {
    return this.processor.model.getSurface(SURFACE_ID) !== undefined;
  }

  private get surface() {
    const surface = this.processor.model.getSurface(SURFACE_ID);
    if (!surface) throw new Error(`${this.name} holds no surface`);
    return surface;
  }

  dataModel(): unknown {
    return this.surface.dataModel.get('/');
  }

  /** A component's properties (without id and type), or undefined. */
  props(id: string): Record<string, unknown> | undefined {
    return this.surface.componentsModel.get(id)?.properties as Record<string, unknown> | undefined;
  }

  type(id: string): string | undefined {
    return this.surface.componentsModel.get(id)?.type;
  }

  /** The literal `text` of a Text component. */
  text(id: string): string | undefined {
    const text = this.props(id)?.text;
    return typeof text === 'string' ? text : undefined;
  }

  route(): string | undefined {
    return this.surface.dataModel.get('/app/route') as string | undefined;
  }

  /** The ids reachable from root through children, child, tabs, trigger and content: what is on screen. */
  onScreen(): string[] {
    return reachableFromRoot((id) => this.props(id));
  }

  /** The messages of the toasts on screen. */
  toasts(): string[] {
    const children = (this.props('app-toasts')?.children as string[] | undefined) ?? [];
    return children.map((id) => this.text(`${id}-text`) ?? '');
  }

  /** Writes into the client's data model, as typing into a bound field does. */
  input(path: string, value: unknown): void {
    this.surface.dataModel.set(path, value);
  }

  /** Clicks a Button: its action with the context resolved by web_core, as the v0.9 client message. */
  async click(id: string): Promise<ClientAction> {
    const context = new ComponentContext(this.surface, id, '/');
    const action = context.componentModel.properties.action as { event?: unknown } | undefined;
    if (!action?.event) throw new Error(`${id} has no server action`);
    const resolve = (value: unknown): unknown => {
      if (typeof value !== 'object' || value === null) return value;
      if ('path' in value || 'call' in value) return context.dataContext.resolveDynamicValue(value as never);
      if (Array.isArray(value)) return value.map(resolve);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    };
    const dispatched = new Promise<A2uiClientAction>((resolveAction) => (this.dispatched = resolveAction));
    await context.dispatchAction(resolve(action));
    return { version: 'v0.9', action: await dispatched };
  }

  /** Fails with the refused messages, if any. */
  expectValid(): void {
    expect(this.errors).toEqual([]);
  }
}

/** Every client of this test file accepted every message it was given; forgets them. */
export function expectAllValid(): void {
  const all = clients.splice(0);
  for (const client of all) expect({ client: client.name, errors: client.errors }).toEqual({ client: client.name, errors: [] });
}

/** A v0.9 action message, by hand (what a client sends for a button of that name). */
export function v09Action(name: string, context: Record<string, unknown> = {}, sourceComponentId = 'root'): ClientAction {
  return { version: 'v0.9', action: { name, surfaceId: SURFACE_ID, sourceComponentId, timestamp: new Date().toISOString(), context } };
}

// ---------------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------------

export interface StreamEvent {
  id?: string;
  data: string;
}

/**
 * A streaming GET read incrementally: SSE events (id and data lines, comments skipped) or JSONL lines.
 * Every parsed message also goes to `client` when given.
 */
export class StreamReader {
  readonly events: StreamEvent[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  body = '';
  private buffer = '';
  private request: http.ClientRequest | undefined;
  private response: http.IncomingMessage | undefined;
  private ended = false;

  private constructor(
    private readonly framing: 'sse' | 'jsonl',
    readonly client: OfficialClient | undefined,
  ) {}

  static open(url: string, headers: Record<string, string>, client?: OfficialClient): Promise<StreamReader> {
    const framing = headers.Accept === 'application/jsonl' ? 'jsonl' : 'sse';
    const reader = new StreamReader(framing, client);
    return new Promise((resolve, reject) => {
      reader.request = http.get(url, { headers }, (res) => {
        reader.response = res;
        reader.status = res.statusCode ?? 0;
        reader.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => reader.receive(chunk));
        res.on('end', () => (reader.ended = true));
        res.on('error', () => (reader.ended = true));
        resolve(reader);
      });
      reader.request.on('error', reject);
    });
  }

  private receive(chunk: string): void {
    this.body += chunk;
    if (this.status !== 200) return;
    this.buffer += chunk;
    const separator = this.framing === 'sse' ? '\n\n' : '\n';
    let end: number;
    while ((end = this.buffer.indexOf(separator)) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + separator.length);
      const event = this.framing === 'sse' ? parseSseBlock(block) : { data: block };
      if (!event) continue;
      this.events.push(event);
      this.client?.process([JSON.parse(event.data) as A2uiV09Message]);
    }
  }

  messages(from = 0): A2uiV09Message[] {
    return this.events.slice(from).map((e) => JSON.parse(e.data) as A2uiV09Message);
  }

  async until(count: number, timeoutMs = 10_000): Promise<void> {
    await waitFor(
      () => {
        if (this.events.length < count && this.ended) throw new Error(`stream ended after ${this.events.length} events, waiting for ${count}`);
        return this.events.length >= count;
      },
      `${count} events`,
      timeoutMs,
    );
  }

  /** Waits until `predicate` holds. */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    await waitFor(predicate, 'the stream to reach the expected state', timeoutMs);
  }

  /** Waits until the stream has carried `messages` (an action's answer), in a row, after event `from`. */
  async received(messages: readonly A2uiV09Message[], from = 0): Promise<void> {
    const wanted = JSON.stringify(messages);
    await this.waitFor(() => {
      const got = this.messages(from);
      for (let i = 0; i + messages.length <= got.length; i++) if (JSON.stringify(got.slice(i, i + messages.length)) === wanted) return true;
      return false;
    });
  }

  /** The `id` of the last event that had one. */
  lastEventId(): string | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]!.id !== undefined) return this.events[i]!.id;
    return undefined;
  }

  /** Stops reading: the server's writes back up (TCP, then its own buffer). */
  pause(): void {
    this.response?.pause();
  }

  resume(): void {
    this.response?.resume();
  }

  close(): void {
    this.request?.destroy();
  }
}

/** One SSE event block; undefined for a comment-only block. Throws on a field this server never sends. */
function parseSseBlock(block: string): StreamEvent | undefined {
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    if (line.startsWith('id: ')) id = line.slice(4);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
    else throw new Error(`unexpected SSE line ${JSON.stringify(line)}`);
  }
  if (data.length === 0) return undefined;
  if (data.length > 1) throw new Error('one message per event: an event with several data lines');
  return { ...(id !== undefined ? { id } : {}), data: data[0]! };
}

/** The ids reachable from `root` through children (list or template), child, tabs, trigger and content. */
export function reachableFromRoot(propsOf: (id: string) => Record<string, unknown> | undefined): string[] {
  const seen = new Set<string>();
  const stack = ['root'];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const p = propsOf(id) ?? {};
    if (Array.isArray(p.children)) stack.push(...(p.children as string[]));
    else if (p.children && typeof p.children === 'object') stack.push((p.children as { componentId: string }).componentId);
    for (const key of ['child', 'trigger', 'content']) if (typeof p[key] === 'string') stack.push(p[key] as string);
    if (Array.isArray(p.tabs)) stack.push(...(p.tabs as { child: string }[]).map((t) => t.child));
  }
  return [...seen];
}
