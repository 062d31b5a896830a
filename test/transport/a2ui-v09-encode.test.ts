/**
 * The v0.9 encoder on small hand-made cases: what each kind of change becomes on the wire.
 */
import { diff, type DiffSurface } from '../../diff';
import { encodeChange, encodeReset, encodeSync, escapeEventContext, unescapeEventContext, type A2uiV09Message } from '../../server/transport/a2ui-v09';
import { CATALOG_ID, encodable as v09, node, surface, text } from '../diff/fixtures';

const change = (prev: DiffSurface, next: DiffSurface) => encodeChange(v09(next), diff(prev, next));

const rows = (...names: string[]) => node('root', 'Column', {}, [node('list', 'List', {}, names.map((n) => text(`row-${n}`, n)))]);

describe('encodeSync', () => {
  test('createSurface with the catalog, every component parents first, then the whole data model', () => {
    const s = surface(rows('a', 'b'), { app: { route: '/' } });
    expect(encodeSync(v09(s))).toEqual([
      { version: 'v0.9', createSurface: { surfaceId: 'main', catalogId: CATALOG_ID } },
      {
        version: 'v0.9',
        updateComponents: {
          surfaceId: 'main',
          components: [
            { id: 'root', component: 'Column', children: ['list'] },
            { id: 'list', component: 'List', children: ['row-a', 'row-b'] },
            { id: 'row-a', component: 'Text', text: 'a' },
            { id: 'row-b', component: 'Text', text: 'b' },
          ],
        },
      },
      { version: 'v0.9', updateDataModel: { surfaceId: 'main', path: '/', value: { app: { route: '/' } } } },
    ]);
  });

  test('encodeReset deletes the surface first', () => {
    const messages = encodeReset(v09(surface(rows('a'))));
    expect(messages[0]).toEqual({ version: 'v0.9', deleteSurface: { surfaceId: 'main' } });
    expect(messages[1]).toHaveProperty('createSurface');
  });
});

describe('encodeChange: components', () => {
  test('a property change sends that component whole, and nothing else', () => {
    const prev = surface(rows('a', 'b'));
    const next = surface(node('root', 'Column', {}, [node('list', 'List', {}, [text('row-a', 'a'), text('row-b', 'B!')])]));
    expect(change(prev, next)).toEqual([
      { version: 'v0.9', updateComponents: { surfaceId: 'main', components: [{ id: 'row-b', component: 'Text', text: 'B!' }] } },
    ]);
  });

  test('an insert sends the new component and its parent; a removal only the parent', () => {
    const inserted = change(surface(rows('a', 'b')), surface(rows('a', 'new', 'b')));
    expect(inserted).toEqual([
      {
        version: 'v0.9',
        updateComponents: {
          surfaceId: 'main',
          components: [
            { id: 'row-new', component: 'Text', text: 'new' },
            { id: 'list', component: 'List', children: ['row-a', 'row-new', 'row-b'] },
          ],
        },
      },
    ]);
    const removed = change(surface(rows('a', 'b')), surface(rows('b')));
    expect(removed).toEqual([{ version: 'v0.9', updateComponents: { surfaceId: 'main', components: [{ id: 'list', component: 'List', children: ['row-b'] }] } }]);
  });

  test('a move sends the parent with its new order', () => {
    const messages = change(surface(rows('a', 'b', 'c')), surface(rows('c', 'a', 'b')));
    expect(messages).toEqual([{ version: 'v0.9', updateComponents: { surfaceId: 'main', components: [{ id: 'list', component: 'List', children: ['row-c', 'row-a', 'row-b'] }] } }]);
  });
});

describe('encodeChange: data model', () => {
  const tree = rows('a');

  test('a changed leaf is one write of its path; a removed key is a delete without value', () => {
    const prev = surface(tree, { app: { route: '/', user: 'u' }, keep: 1 });
    const next = surface(tree, { app: { route: '/agents' }, keep: 1 });
    expect(change(prev, next)).toEqual([
      { version: 'v0.9', updateDataModel: { surfaceId: 'main', path: '/app/route', value: '/agents' } },
      { version: 'v0.9', updateDataModel: { surfaceId: 'main', path: '/app/user' } },
    ]);
  });

  test('an item inserted, removed or moved in an array writes the whole array', () => {
    const items = [{ id: 'm1', s: 'one' }, { id: 'm2', s: 'two' }];
    const prev = surface(tree, { mail: { items } });
    for (const nextItems of [[{ id: 'm0', s: 'zero' }, ...items], [items[1]], [items[1], items[0]]]) {
      expect(change(prev, surface(tree, { mail: { items: nextItems } }))).toEqual([
        { version: 'v0.9', updateDataModel: { surfaceId: 'main', path: '/mail/items', value: nextItems } },
      ]);
    }
    // Not keyed (diffed by index): an insert is structural too; a same-length edit is in place.
    const tags = surface(tree, { tags: ['a', 'b'] });
    expect(change(tags, surface(tree, { tags: ['z', 'a', 'b'] }))).toEqual([
      { version: 'v0.9', updateDataModel: { surfaceId: 'main', path: '/tags', value: ['z', 'a', 'b'] } },
    ]);
    expect(change(tags, surface(tree, { tags: ['a', 'c'] }))).toEqual([{ version: 'v0.9', updateDataModel: { surfaceId: 'main', path: '/tags/1', value: 'c' } }]);
  });

  test('a change inside an array item writes only that path', () => {
    const prev = surface(tree, { mail: { items: [{ id: 'm1', s: 'one' }, { id: 'm2', s: 'two' }] } });
    const next = surface(tree, { mail: { items: [{ id: 'm1', s: 'one' }, { id: 'm2', s: 'TWO' }] } });
    expect(change(prev, next)).toEqual([{ version: 'v0.9', updateDataModel: { surfaceId: 'main', path: '/mail/items/1/s', value: 'TWO' } }]);
  });

  test('keys the official client cannot address are written through the object holding them', () => {
    const prev = surface(tree, { a: { constructor: 1, x: 1 }, b: { '': 1 }, 'c/d': { '~': 1 } });
    const next = surface(tree, { a: { constructor: 2, x: 1 }, b: { '': 2 }, 'c/d': { '~': 2 } });
    expect(change(prev, next)).toEqual<A2uiV09Message[]>([
      { version: 'v0.9', updateDataModel: { surfaceId: 'main', path: '/a', value: { constructor: 2, x: 1 } } },
      { version: 'v0.9', updateDataModel: { surfaceId: 'main', path: '/b', value: { '': 2 } } },
      { version: 'v0.9', updateDataModel: { surfaceId: 'main', path: '/c~1d/~0', value: 2 } },
    ]);
    const proto = JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    expect(change(surface(tree, { p: {} }), surface(tree, proto))).toEqual([{ version: 'v0.9', updateDataModel: { surfaceId: 'main', path: '/', value: proto } }]);
  });

  test('components first, then data; side-effect-only changes are empty', () => {
    const prev = surface(rows('a'), { n: 1 });
    const next = surface(rows('b'), { n: 2 });
    expect(change(prev, next).map((m) => Object.keys(m)[1])).toEqual(['updateComponents', 'updateDataModel']);
    expect(change(prev, prev)).toEqual([]);
  });
});

describe('event contexts through the official renderer', () => {
  const button = (context: Record<string, unknown>) => ({ id: 'b', component: 'Button', child: 'l', action: { event: { name: 'remove_worktree', context } } });

  test('context keys the renderer would take for a binding get one more underscore, and lose it on the way back', () => {
    const context = { path: '/repo/wt', _path: 'x', call: 1, force: { path: '/wt/force' }, paths: 2 };
    const escaped = escapeEventContext(button(context));
    expect(escaped.action.event.context).toEqual({ _path: '/repo/wt', __path: 'x', _call: 1, force: { path: '/wt/force' }, paths: 2 });
    expect(unescapeEventContext(escaped.action.event.context)).toEqual(context);
  });

  test('components without such keys are sent as they are (the same object)', () => {
    const plain = button({ to: '/agents' });
    expect(escapeEventContext(plain)).toBe(plain);
    const text = { id: 't', component: 'Text', text: 'path' };
    expect(escapeEventContext(text)).toBe(text);
  });

  test('a __proto__ key stays a key', () => {
    const sent = JSON.parse('{"__proto__": 1, "_path": "p"}') as Record<string, unknown>;
    const restored = unescapeEventContext(sent);
    expect(Object.keys(restored)).toEqual(['__proto__', 'path']);
    expect(Object.getPrototypeOf(restored)).toBe(Object.prototype);
  });

  test('the encoder escapes the components it sends, in the sync and in changes', () => {
    const withAction = (to: string) => node('root', 'Column', {}, [node('go', 'Button', { action: { event: { name: 'open_worktree', context: { path: to } } } }, [text('go-label', 'Go')])]);
    const first = surface(withAction('/a'));
    const sync = encodeSync(v09(first))[1] as Extract<A2uiV09Message, { updateComponents: unknown }>;
    expect(sync.updateComponents.components[1]).toMatchObject({ id: 'go', action: { event: { context: { _path: '/a' } } } });
    const [update] = change(first, surface(withAction('/b'))) as Extract<A2uiV09Message, { updateComponents: unknown }>[];
    expect(update!.updateComponents.components).toEqual([expect.objectContaining({ id: 'go', action: { event: { name: 'open_worktree', context: { _path: '/b' } } } })]);
  });
});
