import { deepClone } from 'fast-json-patch';
import { diff, snapshot } from '../../diff';
import { apply, checkedDiff as check, doc, node, surface, text, withoutTree, type Node } from './fixtures';

/** An object that throws when anything looks inside it: proves a subtree was skipped by identity. */
function untouchable<T extends object>(target: T): T {
  const fail = (): never => {
    throw new Error('walked a shared subtree');
  };
  return new Proxy(target, { get: fail, ownKeys: fail, has: fail, getOwnPropertyDescriptor: fail });
}

function list(ids: string[], extra: Node[] = []): Node {
  return node('root', 'Column', {}, [...ids.map((id) => text(id, id)), ...extra]);
}

describe('diff: identity', () => {
  test('the same surface gives no ops', () => {
    const s = surface(list(['a', 'b']), { x: 1 });
    expect(diff(s, s)).toEqual([]);
  });

  test('equal surfaces with no shared objects give no ops', () => {
    const s = surface(list(['a', 'b', 'c']), { x: { y: [1, 2, { id: 'k', v: 3 }] } });
    const copy = surface(deepClone(s.tree) as Node, deepClone(s.dataModel));
    expect(diff(s, copy)).toEqual([]);
    expect(diff(withoutTree(s), withoutTree(copy))).toEqual([]);
  });

  test('shared subtrees of the tree are skipped without being walked', () => {
    const shared = text('shared', 'same');
    const poisoned: Node = { id: 'shared', component: untouchable(shared.component), kids: [] };
    const prev = surface(node('root', 'Column', {}, [poisoned, text('t', 'old')]));
    const next = surface(node('root', 'Column', {}, [poisoned, text('t', 'new')]));
    expect(diff(prev, next)).toEqual([{ op: 'replace', path: '/components/t/text', value: 'new' }]);
  });

  test('shared data model subtrees are skipped without being walked', () => {
    const shared = untouchable({ big: [1, 2, 3] });
    const prev = surface(list([]), { shared, n: 1 });
    const next = surface(list([]), { shared, n: 2 });
    expect(diff(prev, next)).toEqual([{ op: 'replace', path: '/dataModel/n', value: 2 }]);
  });

  test('shared components in the map walk are skipped without being walked', () => {
    const c = untouchable({ id: 'x', component: 'Text', text: 'hi' });
    const prev = { components: { x: c, root: { id: 'root', component: 'Text', text: 'a' } }, dataModel: {} };
    const next = { components: { x: c, root: { id: 'root', component: 'Text', text: 'b' } }, dataModel: {} };
    expect(diff(prev, next)).toEqual([{ op: 'replace', path: '/components/root/text', value: 'b' }]);
  });
});

describe('diff: component properties', () => {
  test('a property is added, replaced and removed at the property level', () => {
    const prev = surface(node('root', 'Column', {}, [text('t', 'hello', { variant: 'h1' })]));
    const next = surface(node('root', 'Column', {}, [text('t', 'world', { weight: 2 })]));
    expect(check(prev, next)).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/components/t/text', value: 'world' },
        { op: 'add', path: '/components/t/weight', value: 2 },
        { op: 'remove', path: '/components/t/variant' },
      ]),
    );
    expect(diff(prev, next)).toHaveLength(3);
  });

  test('nested objects are diffed recursively', () => {
    const action = (ctx: Record<string, unknown>) => ({ event: { name: 'reply', context: ctx } });
    const prev = surface(node('root', 'Button', { action: action({ id: '1', keep: 'k' }) }, [text('l', 'Reply')]));
    const next = surface(node('root', 'Button', { action: action({ id: '2', keep: 'k' }) }, [text('l', 'Reply')]));
    expect(check(prev, next)).toEqual([{ op: 'replace', path: '/components/root/action/event/context/id', value: '2' }]);
  });

  test('a component replaced by another type is one whole replace', () => {
    const prev = surface(node('root', 'Column', {}, [text('x', 'hi')]));
    const next = surface(node('root', 'Column', {}, [node('x', 'Divider', { axis: 'horizontal' })]));
    expect(check(prev, next)).toEqual([
      { op: 'replace', path: '/components/x', value: { id: 'x', component: 'Divider', axis: 'horizontal' } },
    ]);
  });
});

describe('diff: keyed children', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`);

  test('an insert in the middle is one add of the component and one add into children', () => {
    const before = ids(10);
    const after = [...before.slice(0, 4), 'new', ...before.slice(4)];
    const ops = check(surface(list(before)), surface(list(after)));
    expect(ops).toEqual([
      { op: 'add', path: '/components/new', value: { id: 'new', component: 'Text', text: 'new' } },
      { op: 'add', path: '/components/root/children/4', value: 'new' },
    ]);
  });

  test('an insert at the front of a long list is one children op', () => {
    const before = ids(1000);
    const ops = check(surface(list(before)), surface(list(['front', ...before])));
    expect(ops.filter((o) => o.path.startsWith('/components/root/'))).toEqual([
      { op: 'add', path: '/components/root/children/0', value: 'front' },
    ]);
  });

  test('a removal deletes the children entry and the component', () => {
    const before = ids(6);
    const ops = check(surface(list(before)), surface(list(before.filter((x) => x !== 'r2'))));
    expect(ops).toEqual([
      { op: 'remove', path: '/components/root/children/2' },
      { op: 'remove', path: '/components/r2' },
    ]);
  });

  test('moving one row far down the list is one move', () => {
    const before = ids(1000);
    const after = [...before];
    const [moved] = after.splice(900, 1);
    after.splice(100, 0, moved!);
    const ops = check(surface(list(before)), surface(list(after)));
    expect(ops).toEqual([{ op: 'move', from: '/components/root/children/900', path: '/components/root/children/100' }]);
  });

  test('a reversal of n items takes n - 1 moves and nothing else', () => {
    const before = ids(8);
    const ops = check(surface(list(before)), surface(list([...before].reverse())));
    expect(ops).toHaveLength(7);
    expect(ops.every((o) => o.op === 'move')).toBe(true);
  });

  test('mixed insert, removal and moves apply exactly', () => {
    const prev = surface(list(['a', 'b', 'c', 'd', 'e', 'f']));
    const next = surface(list(['f', 'x', 'b', 'a', 'e', 'y']));
    const ops = check(prev, next);
    const childOps = ops.filter((o) => o.path.startsWith('/components/root/children'));
    // c, d removed (2), x, y added (2); kept b a e f in new order, old positions 5 1 0 4 → LIS 2 → 2 moves
    expect(childOps.filter((o) => o.op === 'remove')).toHaveLength(2);
    expect(childOps.filter((o) => o.op === 'add')).toHaveLength(2);
    expect(childOps.filter((o) => o.op === 'move')).toHaveLength(2);
  });

  test('children lists with duplicate ids fall back to an index diff that still applies', () => {
    const mk = (children: string[]) => ({
      components: { root: { id: 'root', component: 'Column', children }, a: { id: 'a', component: 'Divider' } },
      dataModel: {},
    });
    const prev = mk(['a', 'a', 'a']);
    const next = mk(['a', 'b', 'a', 'c']);
    expect(apply(prev, diff(prev, next))).toEqual(doc(next));
  });
});

describe('diff: added, removed and moved components', () => {
  test('a new subtree is added whole, parents first', () => {
    const card = node('card', 'Card', {}, [node('col', 'Column', {}, [text('t1', 'one'), text('t2', 'two')])]);
    const ops = check(surface(list(['a'])), surface(list(['a'], [card])));
    expect(ops.map((o) => `${o.op} ${o.path}`)).toEqual([
      'add /components/card',
      'add /components/col',
      'add /components/t1',
      'add /components/t2',
      'add /components/root/children/1',
    ]);
  });

  test('a removed subtree deletes every component in it', () => {
    const card = node('card', 'Card', {}, [node('col', 'Column', {}, [text('t1', 'one')])]);
    const ops = check(surface(list(['a'], [card])), surface(list(['a'])));
    expect(ops.map((o) => `${o.op} ${o.path}`).sort()).toEqual(
      ['remove /components/card', 'remove /components/col', 'remove /components/root/children/1', 'remove /components/t1'].sort(),
    );
  });

  test('a subtree moved to another parent is not re-added', () => {
    const moved = node('box', 'Card', {}, [text('inner', 'x')]);
    const prev = surface(node('root', 'Column', {}, [node('left', 'Column', {}, [moved]), node('right', 'Column', {}, [])]));
    const next = surface(node('root', 'Column', {}, [node('left', 'Column', {}, []), node('right', 'Column', {}, [moved])]));
    const ops = check(prev, next);
    expect(ops).toEqual([
      { op: 'remove', path: '/components/left/children/0' },
      { op: 'add', path: '/components/right/children/0', value: 'box' },
    ]);
  });

  test('ops come as data model first, then adds, then updates, then removals', () => {
    const prev = surface(list(['a', 'gone']), { v: 1 });
    const next = surface(node('root', 'Column', { align: 'center' }, [text('a', 'changed'), text('fresh', 'f')]), { v: 2 });
    const ops = check(prev, next);
    const kinds = ops.map((o) =>
      o.path.startsWith('/dataModel') ? 'data' : o.op === 'add' && o.path.split('/').length === 3 ? 'add' : o.op === 'remove' && o.path.split('/').length === 3 ? 'remove' : 'update',
    );
    const order = ['data', 'add', 'update', 'remove'];
    expect([...kinds].sort((x, y) => order.indexOf(x) - order.indexOf(y))).toEqual(kinds);
    expect(new Set(kinds)).toEqual(new Set(order));
  });
});

describe('diff: data model', () => {
  const s = (dataModel: Record<string, unknown>) => surface(list([]), dataModel);

  test('nested values are diffed recursively', () => {
    const ops = check(s({ user: { name: 'Ann', prefs: { tz: 'UTC', dark: true } } }), s({ user: { name: 'Ann', prefs: { tz: 'CET' } } }));
    expect(ops).toEqual([
      { op: 'replace', path: '/dataModel/user/prefs/tz', value: 'CET' },
      { op: 'remove', path: '/dataModel/user/prefs/dark' },
    ]);
  });

  test('arrays of objects with ids are keyed: a move is one move op, an edit is one replace', () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: `m${i}`, subject: `s${i}` }));
    const moved = [rows[40]!, ...rows.slice(0, 40), ...rows.slice(41)];
    const edited = moved.map((r) => (r.id === 'm3' ? { ...r, subject: 'new' } : r));
    const ops = check(s({ rows }), s({ rows: edited }));
    expect(ops).toEqual([
      { op: 'move', from: '/dataModel/rows/40', path: '/dataModel/rows/0' },
      { op: 'replace', path: '/dataModel/rows/4/subject', value: 'new' },
    ]);
  });

  test('numeric ids key too', () => {
    const ops = check(s({ rows: [{ id: 1 }, { id: 2 }, { id: 3 }] }), s({ rows: [{ id: 3 }, { id: 1 }, { id: 2 }] }));
    expect(ops).toEqual([{ op: 'move', from: '/dataModel/rows/2', path: '/dataModel/rows/0' }]);
  });

  test('other arrays are diffed by index after trimming the equal prefix and suffix', () => {
    expect(check(s({ a: [1, 2, 3] }), s({ a: [0, 1, 2, 3] }))).toEqual([{ op: 'add', path: '/dataModel/a/0', value: 0 }]);
    expect(check(s({ a: [1, 2, 3, 4] }), s({ a: [1, 4] }))).toEqual([
      { op: 'remove', path: '/dataModel/a/1' },
      { op: 'remove', path: '/dataModel/a/1' },
    ]);
    expect(check(s({ a: [{ x: 1 }, { x: 2 }] }), s({ a: [{ x: 1 }, { x: 3 }] }))).toEqual([
      { op: 'replace', path: '/dataModel/a/1/x', value: 3 },
    ]);
  });

  test('a value that changes kind is replaced', () => {
    expect(check(s({ a: [1] }), s({ a: { 0: 1 } }))).toEqual([{ op: 'replace', path: '/dataModel/a', value: { 0: 1 } }]);
    expect(check(s({ a: null }), s({ a: { b: 1 } }))).toEqual([{ op: 'replace', path: '/dataModel/a', value: { b: 1 } }]);
  });

  test('undefined counts as absent', () => {
    expect(diff(s({ a: undefined, b: 1 }), s({ b: 1 }))).toEqual([]);
    expect(check(s({ b: 1 }), s({ a: undefined, b: 2 }))).toEqual([{ op: 'replace', path: '/dataModel/b', value: 2 }]);
  });
});

describe('diff: JSON Pointer escaping and hostile keys', () => {
  test('keys with ~ and / are escaped as ~0 and ~1', () => {
    const prev = surface(list([]), { 'a/b': 1, 'm~n': { '~1': 1 } });
    const next = surface(list([]), { 'a/b': 2, 'm~n': { '~1': 2 } });
    expect(check(prev, next)).toEqual([
      { op: 'replace', path: '/dataModel/a~1b', value: 2 },
      { op: 'replace', path: '/dataModel/m~0n/~01', value: 2 },
    ]);
  });

  test('component ids with ~ and / are escaped in the map walk', () => {
    const prev = { components: { 'a/b~c': { id: 'a/b~c', component: 'Text', text: '1' } }, dataModel: {} };
    const next = { components: { 'a/b~c': { id: 'a/b~c', component: 'Text', text: '2' } }, dataModel: {} };
    expect(diff(prev, next)).toEqual([{ op: 'replace', path: '/components/a~1b~0c/text', value: '2' }]);
    expect(apply(prev, diff(prev, next))).toEqual(doc(next));
  });

  test('keys named like Object.prototype members are data, not inherited values', () => {
    const ops = check(surface(list([]), {}), surface(list([]), { constructor: 1, toString: 'x', hasOwnProperty: null }));
    expect(ops).toHaveLength(3);
    expect(ops.every((o) => o.op === 'add')).toBe(true);
  });

  test('an object holding a __proto__ key is replaced whole, so the patch still applies', () => {
    const prev = surface(list([]), { safe: JSON.parse('{"__proto__": {"x": 1}, "k": 1}') });
    const next = surface(list([]), { safe: JSON.parse('{"__proto__": {"x": 2}, "k": 1}') });
    const ops = diff(prev, next);
    expect(ops).toEqual([{ op: 'replace', path: '/dataModel/safe', value: next.dataModel.safe }]);
    expect(JSON.stringify(apply(prev, ops))).toBe(JSON.stringify(doc(next)));
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('diff: equal but not identical components', () => {
  test('a fresh copy of a component is skipped; one holding a nested __proto__ key is still replaced so the patch applies', () => {
    const a11y = '{"label": "x", "__proto__": {"polluted": true}}';
    const prev = { components: { t: { id: 't', component: 'Text', text: 'a', accessibility: JSON.parse(a11y) } }, dataModel: {} };
    const same = { components: { t: { id: 't', component: 'Text', text: 'a', accessibility: { label: 'x' } } }, dataModel: {} };
    const copy = JSON.parse(JSON.stringify(prev)) as typeof prev;
    const ops = diff(prev, copy);
    expect(ops).toEqual([{ op: 'replace', path: '/components/t/accessibility', value: copy.components.t.accessibility }]);
    expect(JSON.stringify(apply(prev, ops))).toBe(JSON.stringify(doc(copy)));
    expect(diff(same, JSON.parse(JSON.stringify(same)))).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('snapshot', () => {
  test('is one replace of the whole document, without the tree', () => {
    const s = surface(list(['a']), { v: 1 });
    const [op] = snapshot(s);
    expect(op).toEqual({ op: 'replace', path: '', value: { components: s.components, dataModel: { v: 1 } } });
    expect(apply(surface(list([])), snapshot(s))).toEqual(doc(s));
  });
});
