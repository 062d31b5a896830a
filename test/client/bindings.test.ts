import { BindingIndex, readPointer, resolvePath, writePointer } from '../../client-demo/src/bindings';
import { createRenderContext } from '../../client-demo/src/render-context';

describe('path resolution', () => {
  test('absolute paths ignore the scope', () => {
    expect(resolvePath('/company', '/employees/1')).toBe('/company');
    expect(resolvePath('/a/b', '')).toBe('/a/b');
  });

  test('relative paths resolve against the template item scope', () => {
    expect(resolvePath('name', '/employees/0')).toBe('/employees/0/name');
    expect(resolvePath('address/city', '/employees/2')).toBe('/employees/2/address/city');
    expect(resolvePath('./name', '/employees/0')).toBe('/employees/0/name');
  });

  test('a relative path at the root scope reads from the root', () => {
    expect(resolvePath('name', '')).toBe('/name');
  });
});

describe('reading and writing the data model', () => {
  const model = { user: { name: 'Ada', tags: ['x', 'y'] }, 'a/b': 1 };

  test('reads objects, arrays and escaped keys', () => {
    expect(readPointer(model, '/user/name')).toBe('Ada');
    expect(readPointer(model, '/user/tags/1')).toBe('y');
    expect(readPointer(model, '/a~1b')).toBe(1);
    expect(readPointer(model, '')).toBe(model);
  });

  test('missing paths, bad indices and prototype keys read as undefined', () => {
    expect(readPointer(model, '/user/age')).toBeUndefined();
    expect(readPointer(model, '/user/tags/01')).toBeUndefined();
    expect(readPointer(model, '/user/tags/length')).toBeUndefined();
    expect(readPointer(model, '/constructor')).toBeUndefined();
    expect(readPointer(model, 'user')).toBeUndefined();
  });

  test('writes create missing containers: arrays before numeric tokens, objects otherwise', () => {
    const data: Record<string, unknown> = {};
    expect(writePointer(data, '/form/items/0/title', 'T')).toBe(true);
    expect(data).toEqual({ form: { items: [{ title: 'T' }] } });
    expect(writePointer(data, '/form/items/-', 'next')).toBe(true);
    expect((data.form as { items: unknown[] }).items).toEqual([{ title: 'T' }, 'next']);
  });

  test('refuses the root, paths through primitives and prototype keys', () => {
    const data: Record<string, unknown> = { n: 1 };
    expect(writePointer(data, '', 1)).toBe(false);
    expect(writePointer(data, '/n/x', 1)).toBe(false);
    expect(writePointer(data, '/__proto__/polluted', true)).toBe(false);
    expect(writePointer(data, '/constructor/prototype/polluted', true)).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('BindingIndex', () => {
  const index = new BindingIndex<string>();
  index.add('/a', 'reads-a');
  index.add('/a/b', 'reads-ab');
  index.add('/a/b/c', 'reads-abc');
  index.add('/a/c', 'reads-ac');
  index.add('/x', 'reads-x');
  index.add('', 'reads-root');

  test('a change at /a/b hits /a, /a/b and /a/b/c but not the sibling /a/c', () => {
    const hit = index.affected('/a/b');
    expect([...hit].sort()).toEqual(['reads-a', 'reads-ab', 'reads-abc', 'reads-root']);
    expect(hit.has('reads-ac')).toBe(false);
    expect(hit.has('reads-x')).toBe(false);
  });

  test('a change below every binding hits only its ancestors', () => {
    expect([...index.affected('/a/b/c/d')].sort()).toEqual(['reads-a', 'reads-ab', 'reads-abc', 'reads-root']);
    expect([...index.affected('/unbound')]).toEqual(['reads-root']);
  });

  test('a change at the root hits everything', () => {
    expect(index.affected('').size).toBe(6);
  });

  test('delete removes one binding and keeps the others', () => {
    const own = new BindingIndex<string>();
    own.add('/a/b', 'one');
    own.add('/a/b', 'two');
    own.delete('/a/b', 'one');
    expect([...own.affected('/a')]).toEqual(['two']);
    own.delete('/a/b', 'two');
    expect(own.affected('/a').size).toBe(0);
    own.delete('/never/added', 'two'); // harmless
  });
});

describe('render context', () => {
  const model = {
    company: 'Acme',
    employees: [{ name: 'Alice' }, { name: 'Bob' }],
    form: { email: 'a@b.co', agree: 'true' },
  };

  test('resolves literals, absolute and relative bindings, recording every pointer read', () => {
    const reads: string[] = [];
    const ctx = createRenderContext(model, '/employees/1', reads);
    expect(ctx.text({ path: 'name' })).toBe('Bob');
    expect(ctx.text({ path: '/company' })).toBe('Acme');
    expect(ctx.text('literal')).toBe('literal');
    expect(ctx.boolean({ path: '/form/agree' })).toBe(true);
    expect(ctx.text({ path: 'missing' })).toBe('');
    expect(reads).toEqual(['/employees/1/name', '/company', '/form/agree', '/employees/1/missing']);
  });

  test('pointer() gives where a two-way binding writes', () => {
    const ctx = createRenderContext(model, '/employees/0', null);
    expect(ctx.pointer({ path: 'name' })).toBe('/employees/0/name');
    expect(ctx.pointer('literal')).toBeNull();
  });

  test('childList: ids in the parent scope, or one instance per item of a template', () => {
    const reads: string[] = [];
    const ctx = createRenderContext(model, '', reads);
    expect(ctx.childList(['a', 'b'])).toEqual([
      { id: 'a', scope: '' },
      { id: 'b', scope: '' },
    ]);
    expect(ctx.childList({ componentId: 'card', path: '/employees' })).toEqual([
      { id: 'card', scope: '/employees/0', index: 0 },
      { id: 'card', scope: '/employees/1', index: 1 },
    ]);
    expect(reads).toEqual(['/employees']);
    expect(ctx.childList({ componentId: 'card', path: '/company' })).toEqual([]);
  });

  test('failedCheck returns the first failing message and evaluates functions', () => {
    const ctx = createRenderContext(model, '', null);
    const checks = [
      { condition: { call: 'required', args: { value: { path: '/form/email' } } }, message: 'Email is required' },
      { condition: { call: 'email', args: { value: { path: '/form/email' } } }, message: 'Must be an email' },
      { condition: { call: 'length', args: { value: { path: '/form/email' }, min: 10 } }, message: 'Too short' },
    ];
    expect(ctx.failedCheck(checks)).toBe('Too short');
    expect(ctx.failedCheck(checks.slice(0, 2))).toBeNull();
    expect(ctx.failedCheck(undefined)).toBeNull();
  });
});
