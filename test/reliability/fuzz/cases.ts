/**
 * One attack case: an HTTP request, a socket.io event, or a socket.io handshake, with the credential
 * it carries. Built from the targets (targets.ts) with hostile values (hostile-values.ts) shaped by the
 * server's schemas (from-schema.ts): wrong types, missing and extra fields, deep nesting, huge arrays,
 * path traversal and broken `%` escapes in paths and queries, wrong content types and encodings.
 *
 * Each case has a temper (from-schema.ts): a `hostile` case breaks most of what it can (credentials,
 * headers, encodings, fields); a `plausible` one is a client's request with the odd thing wrong, to
 * get into the handlers and plugins.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { clientContextSchema } from '../../../server/transport/protocol';
import { fieldSchema, fromSchema, keysOf, type Temper } from './from-schema';
import { edgeNumber, hostileString, hostileValue } from './hostile-values';
import type { ActionTarget, BodyKind, HttpTarget, SocketTarget, Targets, WsTarget } from './targets';

/** The attackers with valid tokens (the victim and the known-good user are never fuzzed). */
export type Attacker = 'local' | 'bob';

export type Credential =
  | { kind: 'bearer' | 'cookie'; who: Attacker }
  | { kind: 'wrong' }
  | { kind: 'none' }
  /** An Authorization or Cookie header that is not what it should be. */
  | { kind: 'malformed'; header: 'authorization' | 'cookie'; value: string };

export interface HttpCase {
  kind: 'http';
  /** The declaration it came from, e.g. `POST /api/agents/:id/start`. */
  target: string;
  method: string;
  path: string;
  credential: Credential;
  headers: Record<string, string>;
  body?: Buffer;
  stream: boolean;
}

export interface SocketCase {
  kind: 'socket';
  who: Attacker;
  event: string;
  args: unknown[];
  ack: boolean;
}

export interface HandshakeCase {
  kind: 'handshake';
  credential: Credential;
}

/** One raw WebSocket message on `/ws` (text, or binary frames, which the protocol refuses). */
export interface WsCase {
  kind: 'ws';
  who: Attacker;
  /** The message's declared type, or `unknown` (for the report's per-target counts). */
  target: string;
  data: string | Buffer;
}

export type Case = HttpCase | SocketCase | HandshakeCase | WsCase;

/** `encodeURIComponent` that also takes lone surrogates (as the replacement character, as UTF-8 has it). */
export function percentEncode(text: string): string {
  return encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

/** A header value as Node will send it (no CR, LF or other control characters). */
export function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?').slice(0, 8000);
}

/** `a` mostly, `b` one time in `odds`. */
function mostly<T>(a: fc.Arbitrary<T>, b: fc.Arbitrary<T>, odds: number): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: a, weight: odds - 1 }, { arbitrary: b, weight: 1 });
}

const attacker = fc.constantFrom<Attacker>('local', 'bob');

/** A view id no client used before (almost surely): the server makes the view on first use. */
const freshViewId = fc.stringMatching(/^fz[A-Za-z0-9]{10}$/);

const validCredential: fc.Arbitrary<Credential> = fc.oneof(
  { arbitrary: attacker.map((who): Credential => ({ kind: 'bearer', who })), weight: 6 },
  { arbitrary: attacker.map((who): Credential => ({ kind: 'cookie', who })), weight: 1 },
);

const badCredential: fc.Arbitrary<Credential> = fc.oneof(
  fc.constant<Credential>({ kind: 'wrong' }),
  fc.constant<Credential>({ kind: 'none' }),
  fc
    .tuple(fc.constantFrom('authorization' as const, 'cookie' as const), fc.oneof(fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer  x y', 'a2ui_token=', 'a2ui_token=%zz', 'a2ui_token="x', '=;=;'), hostileString()))
    .map(([header, value]): Credential => ({ kind: 'malformed', header, value: headerSafe(value) })),
);

function credential(temper: Temper): fc.Arbitrary<Credential> {
  return temper === 'plausible' ? mostly(validCredential, badCredential, 30) : mostly(validCredential, badCredential, 3);
}

/** A string for a URL: one in twenty keeps its length, the others are cut to 2,000 characters. */
function urlSized(text: string): fc.Arbitrary<string> {
  return fc.integer({ min: 0, max: 19 }).map((n) => (n === 0 ? text : text.slice(0, 2000)));
}

/**
 * A path segment: encoded as a client should, raw (traversal kept), double-encoded, or with a broken
 * escape. Mostly under 2 KB: past Node's 16 KB of headers every request gets the same 431.
 */
function segment(value: fc.Arbitrary<string>, temper: Temper): fc.Arbitrary<string> {
  const how = temper === 'plausible' ? mostly(fc.constant('encoded'), fc.constantFrom('raw', 'double', 'broken'), 10) : fc.constantFrom('encoded', 'encoded', 'raw', 'double', 'broken');
  return fc.tuple(value.chain(urlSized), how).map(([text, encoding]) => {
    const raw = text.replace(/[^\x21-\xff]/g, (c) => percentEncode(c)).replace(/[?#]/g, (c) => percentEncode(c));
    if (encoding === 'raw') return raw;
    if (encoding === 'double') return percentEncode(percentEncode(text));
    if (encoding === 'broken') return `${raw}%${['', 'z', 'E0%A4%A', 'G1'][text.length % 4]}`;
    return percentEncode(text);
  });
}

const asText = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

function pathOf(template: string, params: HttpTarget['params'], temper: Temper): fc.Arbitrary<string> {
  const names = [...template.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  if (names.length === 0) return fc.constant(template);
  return fc
    .tuple(
      ...names.map((name) => {
        const field = fieldSchema(params, name);
        return segment(field ? fromSchema(field, temper).map(asText) : hostileString(), temper);
      }),
    )
    .map((values) => {
      let i = 0;
      return template.replace(/:(\w+)/g, () => values[i++]!);
    });
}

function queryOf(query: HttpTarget['query'], temper: Temper): fc.Arbitrary<string> {
  const keys = keysOf(query);
  const declared = keys.length ? [fc.constantFrom(...keys).chain((key) => fc.tuple(fc.constant(key), fromSchema(fieldSchema(query, key), temper).map(asText)))] : [];
  const pair = (declared.length && temper === 'plausible' ? mostly(declared[0]!, fc.tuple(hostileString(), hostileString()), 10) : fc.oneof(...declared, fc.tuple(hostileString(), hostileString()))).chain(([key, value]) =>
    fc.tuple(urlSized(key), urlSized(value)),
  );
  const text = ([key, value]: [string, string], encoded: boolean) =>
    encoded ? `${percentEncode(key)}=${percentEncode(value)}` : `${key}=${value}`.replace(/[^\x21-\xff]/g, (c) => percentEncode(c)).replace(/#/g, '%23');
  return fc.oneof(
    { arbitrary: fc.constant(''), weight: 2 },
    { arbitrary: fc.array(fc.tuple(pair, temper === 'plausible' ? mostly(fc.constant(true), fc.constant(false), 10) : fc.boolean()), { maxLength: 4 }).map((pairs) => (pairs.length ? `?${pairs.map(([p, encoded]) => text(p, encoded)).join('&')}` : '')), weight: 5 },
  );
}

/** A route a client could name: a template filled with ids, or a hostile path. */
function route(routes: readonly string[], temper: Temper): fc.Arbitrary<string> {
  const id = mostly(fc.constantFrom('m1', 'm2', 'echo', 'demo', 'x'), hostileString(), temper === 'plausible' ? 5 : 2);
  return mostly(
    fc.tuple(fc.constantFrom(...routes), id).map(([template, value]) => template.replace(/:(\w+)/g, () => percentEncode(value))),
    hostileString().map((s) => (s.startsWith('/') ? s : `/${s}`)),
    temper === 'plausible' ? 20 : 5,
  );
}

/**
 * A native action request: a real action (or a made-up name), its payload shaped by its schema, a
 * context on one of the action's routes (so that a new view lands where the action is accepted).
 */
function actionRequest(targets: Targets, viewIds: fc.Arbitrary<string>, temper: Temper): fc.Arbitrary<unknown> {
  const plausible = temper === 'plausible';
  const oneAction = fc.oneof(
    ...targets.actions.map((action: ActionTarget) =>
      fc.record(
        {
          action: mostly(fc.constant(action.name), hostileString(), plausible ? 50 : 10),
          payload: fromSchema(action.schema, temper),
          context: fc.tuple(fromSchema(clientContextSchema, temper), route(action.routes.length ? action.routes : targets.routes, temper)).map(([context, where]) =>
            typeof context === 'object' && context !== null && !Array.isArray(context) ? { ...context, route: where } : context,
          ),
          component_id: plausible ? mostly(fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/), fc.oneof(hostileString(), fc.constant(null)), 5) : fc.oneof(hostileString(), fc.constant(null)),
          // A new view is made on the context's route, where the action is accepted.
          surface_id: plausible ? mostly(freshViewId, viewIds, 3) : viewIds,
          base_version: plausible ? fc.nat() : edgeNumber(),
          user_id: fc.constantFrom('alice', 'local', '__proto__'),
        },
        { requiredKeys: plausible ? ['action', 'payload', 'context'] : ['action'] },
      ),
    ),
  );
  return mostly(oneAction, hostileValue(), plausible ? 50 : 10);
}

/** A v0.9 client message: an action, the older userAction, an error report, or junk. */
function v09Message(targets: Targets, viewIds: fc.Arbitrary<string>, temper: Temper): fc.Arbitrary<unknown> {
  const plausible = temper === 'plausible';
  const action = fc.oneof(
    ...targets.actions.map((target) =>
      fc.record(
        {
          name: mostly(fc.constant(target.name), hostileString(), plausible ? 50 : 10),
          surfaceId: plausible ? mostly(freshViewId, viewIds, 3) : viewIds,
          sourceComponentId: plausible ? fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/) : hostileString(),
          timestamp: plausible ? fc.constant('2026-01-01T00:00:00Z') : fc.oneof(fc.constant('2026-01-01T00:00:00Z'), hostileString()),
          context: fromSchema(target.schema, temper),
        },
        { requiredKeys: plausible ? ['name', 'surfaceId', 'context'] : ['name', 'surfaceId'] },
      ),
    ),
  );
  const version = mostly(fc.constantFrom('v0.9', 'v0.9.1'), hostileValue(), plausible ? 50 : 5);
  return fc.oneof(
    { arbitrary: fc.record({ version, action }), weight: 6 },
    { arbitrary: fc.record({ userAction: action }), weight: 2 },
    { arbitrary: fc.record({ version, error: fc.record({ code: hostileString(), surfaceId: viewIds, message: hostileString(), path: hostileString() }, { requiredKeys: [] }) }), weight: 1 },
    ...(plausible ? [] : [{ arbitrary: hostileValue(), weight: 1 }]),
  );
}

function payloadOf(kind: BodyKind, targets: Targets, viewIds: fc.Arbitrary<string>, temper: Temper): fc.Arbitrary<unknown> {
  if (kind === 'action') return actionRequest(targets, viewIds, temper);
  if (kind === 'v09') return v09Message(targets, viewIds, temper);
  if (kind === 'none') return hostileValue();
  return fromSchema(kind.schema, temper);
}

/** Deep nesting written as text (JSON.stringify could not make it), far past any limit. */
const deepText = fc.tuple(fc.integer({ min: 33, max: 100_000 }), fc.constantFrom('[', '{"a":')).map(([depth, open]) => open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(depth));

/** JSON text of a generated value; one too big to be text at all is sent as a 10 MB string instead. */
function jsonOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return JSON.stringify('z'.repeat(10_000_000));
  }
}

interface Body {
  bytes: Buffer;
  headers: Record<string, string>;
}

/** A body as sent: JSON as it should be, or with the wrong type, charset or encoding, or not JSON at all. */
function bodyOf(value: fc.Arbitrary<unknown>, temper: Temper): fc.Arbitrary<Body | undefined> {
  const json = value.map((v) => Buffer.from(jsonOf(v)));
  const withType = (type: string) => (bytes: Buffer): Body => ({ bytes, headers: { 'Content-Type': type } });
  const proper = json.map(withType('application/json'));
  const broken = fc.oneof(
    { arbitrary: fc.tuple(json, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=x-unknown', 'application/vnd.api+json', '', 'application/json, text/html', '*/*')).map(([bytes, type]) => withType(type)(bytes)), weight: 3 },
    { arbitrary: json.map((bytes): Body => ({ bytes: zlib.gzipSync(bytes), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } })), weight: 1 },
    { arbitrary: fc.tuple(json, fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip')).map(([bytes, encoding]): Body => ({ bytes, headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding } })), weight: 1 },
    { arbitrary: json.map((bytes): Body => ({ bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]), headers: { 'Content-Type': 'application/json' } })), weight: 1 },
    { arbitrary: json.map((bytes): Body => ({ bytes: Buffer.from(bytes.toString('utf8'), 'utf16le'), headers: { 'Content-Type': 'application/json; charset=utf-16le' } })), weight: 1 },
    { arbitrary: deepText.map((text) => withType('application/json')(Buffer.from(text))), weight: 1 },
    { arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => withType('application/json')(Buffer.from(bytes))), weight: 1 },
    { arbitrary: hostileString().map((text) => withType('application/json')(Buffer.from(text))), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 2 },
  );
  return mostly(proper, broken, temper === 'plausible' ? 20 : 2);
}

/** Headers a client adds on its own: a foreign origin, a stream's resume point, what it accepts. */
const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    Origin: fc.constantFrom('http://evil.example', 'null', 'http://127.0.0.1'),
    'Last-Event-ID': hostileString().map(headerSafe),
    Accept: fc.constantFrom('application/jsonl', 'text/event-stream', 'text/html', '*/*', 'application/json'),
    'X-Api-Key': hostileString().map(headerSafe),
  },
  { requiredKeys: [] },
);

function httpCase(target: HttpTarget, targets: Targets, viewIds: fc.Arbitrary<string>, temper: Temper): fc.Arbitrary<HttpCase> {
  const value = payloadOf(target.body, targets, viewIds, temper);
  const body = target.body === 'none' ? mostly(fc.constant(undefined), bodyOf(value, temper), 6) : bodyOf(value, temper);
  return fc
    .record({
      path: pathOf(target.path, target.params, temper),
      query: queryOf(target.query, temper),
      credential: credential(temper),
      extra: mostly(fc.constant({}), extraHeaders, temper === 'plausible' ? 20 : 4),
      body,
    })
    .map(
      ({ path, query, credential: who, extra, body: sent }): HttpCase => ({
        kind: 'http',
        target: `${target.method} ${target.path}`,
        method: target.method,
        path: path + query,
        credential: who,
        headers: { ...extra, ...(sent?.headers ?? {}) },
        ...(sent && target.method !== 'HEAD' ? { body: sent.bytes } : {}),
        stream: target.stream || target.path === '/api/a2ui/v0.9/stream',
      }),
    );
}

/** Paths nothing declares, under /api and outside it. */
const unknownPath: fc.Arbitrary<HttpTarget> = fc
  .tuple(fc.constantFrom('/api/', '/', '/v1/', '/auth/', '/api/a2ui/'), segment(hostileString(), 'hostile'), fc.constantFrom('GET', 'POST', 'DELETE') as fc.Arbitrary<'GET' | 'POST' | 'DELETE'>)
  .map(([prefix, rest, method]) => ({ method, path: `${prefix}${rest}`, body: 'none' as const, stream: false }));

function socketCase(target: SocketTarget, targets: Targets, viewIds: fc.Arbitrary<string>, temper: Temper): fc.Arbitrary<SocketCase> {
  const payload = payloadOf(target.payload, targets, viewIds, temper).map((value) => [value]);
  const odd = fc.oneof(fc.constant<unknown[]>([]), fc.array(hostileValue(), { minLength: 2, maxLength: 3 }), fc.uint8Array({ maxLength: 64 }).map((bytes) => [Buffer.from(bytes)]));
  return fc.record({
    kind: fc.constant('socket' as const),
    who: attacker,
    event: fc.constant(target.name),
    args: mostly(payload, odd, temper === 'plausible' ? 30 : 4),
    ack: mostly(fc.constant(true), fc.constant(false), 10),
  });
}

/** An event nobody listens to (and the server's own event names, sent the wrong way): never answered. */
const unknownEvent: fc.Arbitrary<SocketCase> = fc.record({
  kind: fc.constant('socket' as const),
  who: attacker,
  event: fc.oneof(fc.constantFrom('frame', 'a2ui', 'agent_event', 'disconnect_me', 'constructor', '__proto__'), hostileString().map((s) => s.slice(0, 100) || 'x')),
  args: fc.array(hostileValue(), { maxLength: 2 }),
  ack: fc.constant(false),
});

/**
 * A raw WebSocket message: `{"type": name, …fields}` with the fields shaped by the message's schema,
 * or the type's value broken, or not an object, not JSON, binary, or nested past the bound.
 */
function wsCase(target: WsTarget, temper: Temper): fc.Arbitrary<WsCase> {
  const fields = target.schema ? fromSchema(target.schema, temper) : mostly(fc.constant({}), hostileValue(), 5);
  const type = mostly(fc.constant<unknown>(target.name), hostileValue(), temper === 'plausible' ? 30 : 5);
  const message = fc.tuple(type, fields).map(([name, value]) => jsonOf(typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value, type: name } : { type: name, value }));
  const broken = fc.oneof(
    hostileValue().map(jsonOf),
    hostileString(),
    deepText,
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  );
  return fc.record({
    kind: fc.constant('ws' as const),
    who: attacker,
    target: fc.constant(target.name),
    data: mostly(message, broken, temper === 'plausible' ? 20 : 3),
  });
}

export interface CaseArbitraries {
  /** Each target's own cases, by name (`POST /api/worktrees`, `socket join`, `handshake`). */
  perTarget: Map<string, fc.Arbitrary<Case>>;
  /** Every kind of case, weighted so that each endpoint and event gets its share. */
  mixed: fc.Arbitrary<Case>;
}

export function caseArbitraries(targets: Targets, knownIds: readonly string[]): CaseArbitraries {
  // View ids: the victim's and the user's own, new ones, and (hostile cases only) anything.
  const goodViewIds = fc.oneof(
    { arbitrary: fc.constantFrom('main', 'alice-tab', 'fuzz-tab', ...knownIds.filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id))), weight: 2 },
    { arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), weight: 1 },
  );
  const viewIds = (temper: Temper) => (temper === 'plausible' ? goodViewIds : mostly(goodViewIds, hostileString(), 4));
  // Both tempers for each target: a plausible case three times in five.
  const tempered = <T>(make: (temper: Temper) => fc.Arbitrary<T>) => fc.oneof({ arbitrary: make('plausible'), weight: 3 }, { arbitrary: make('hostile'), weight: 2 });
  const http = (target: HttpTarget) => tempered((temper) => httpCase(target, targets, viewIds(temper), temper));
  const socket = (target: SocketTarget) => tempered((temper) => socketCase(target, targets, viewIds(temper), temper));
  const handshake = tempered((temper) => credential(temper).map((who): HandshakeCase => ({ kind: 'handshake', credential: who })));

  const perTarget = new Map<string, fc.Arbitrary<Case>>();
  for (const target of targets.http) perTarget.set(`${target.method} ${target.path}`, http(target));
  for (const target of targets.socket) perTarget.set(`socket ${target.name}`, socket(target));
  perTarget.set('handshake', handshake);
  for (const target of targets.ws) perTarget.set(`ws ${target.name}`, tempered((temper) => wsCase(target, temper)));

  // Built once per target (drawing from a built arbitrary is cheap; building one per case is not).
  const pick = (names: readonly string[]) => fc.oneof(...names.map((name) => perTarget.get(name)!));
  const httpNames = (keep: (target: HttpTarget) => boolean) => targets.http.filter(keep).map((t) => `${t.method} ${t.path}`);
  const socketNames = (keep: (target: SocketTarget) => boolean) => targets.socket.filter(keep).map((t) => `socket ${t.name}`);
  // The action endpoints and events lead to every plugin's actions: they get more of the cases.
  const isAction = (kind: BodyKind) => kind === 'action' || kind === 'v09';
  const mixed = fc.oneof(
    { arbitrary: pick(httpNames((t) => !t.variant)), weight: 10 },
    { arbitrary: pick(httpNames((t) => isAction(t.body))), weight: 5 },
    { arbitrary: pick(httpNames((t) => t.variant === true)), weight: 2 },
    { arbitrary: unknownPath.chain(http), weight: 1 },
    { arbitrary: pick(socketNames(() => true)), weight: 6 },
    { arbitrary: pick(socketNames((t) => isAction(t.payload))), weight: 3 },
    { arbitrary: unknownEvent, weight: 1 },
    { arbitrary: handshake, weight: 1 },
    { arbitrary: pick(targets.ws.map((t) => `ws ${t.name}`)), weight: 3 },
  );
  return { perTarget, mixed };
}
