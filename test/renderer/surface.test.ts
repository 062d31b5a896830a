import {
  BASIC_CATALOG_ID,
  bind,
  buildSurface,
  button,
  card,
  column,
  DanglingChildError,
  DuplicateComponentIdError,
  event,
  InvalidComponentIdError,
  labelButton,
  list,
  MissingRootError,
  modal,
  row,
  SurfaceError,
  tabs,
  text,
  validateSurface,
  type Component,
  type UiNode,
} from '../../renderer';

/** root Column [header Row [title, count], body Card [message], footer Button [footer.label]] */
function sampleTree() {
  const title = text('title', { text: 'Inbox', variant: 'h1' });
  const count = text('count', { text: bind('/count') });
  const header = row('header', { children: [title, count], justify: 'spaceBetween' });
  const message = text('message', { text: 'Hello' });
  const body = card('body', { child: message });
  const footer = labelButton('footer', 'Next', event('next_page'));
  const root = column('root', { children: [header, body, footer] });
  return { root, header, title, count, body, message, footer };
}

/** Runs `fn`, expecting it to throw; returns the error for further checks. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('buildSurface', () => {
  it('flattens parent before children, kids in order', () => {
    const { root } = sampleTree();
    const surface = buildSurface({ surfaceId: 'main', root });
    expect(Object.keys(surface.components)).toEqual(['root', 'header', 'title', 'count', 'body', 'message', 'footer', 'footer.label']);
  });

  it('puts the identical component objects in the map (no copies)', () => {
    const tree = sampleTree();
    const surface = buildSurface({ surfaceId: 'main', root: tree.root });
    for (const node of [tree.root, tree.header, tree.title, tree.count, tree.body, tree.message, tree.footer]) {
      expect(surface.components[node.id]).toBe(node.component);
    }
    expect(surface.components['footer.label']).toBe(tree.footer.kids[0]!.component);
  });

  it('reuses identical objects for an unchanged subtree across two builds', () => {
    const tree = sampleTree();
    const first = buildSurface({ surfaceId: 'main', root: tree.root });
    const changedRoot = column('root', { children: [tree.header, text('new', { text: 'New' })] });
    const second = buildSurface({ surfaceId: 'main', root: changedRoot });
    expect(second.components.header).toBe(first.components.header);
    expect(second.components.title).toBe(first.components.title);
    expect(second.components.root).not.toBe(first.components.root);
    expect(Object.keys(second.components)).toEqual(['root', 'header', 'title', 'count', 'new']);
  });

  it('sets surfaceId, the basic catalog id by default, and the data model as given', () => {
    const dataModel = { count: 3 };
    const surface = buildSurface({ surfaceId: 'main', root: sampleTree().root, dataModel });
    expect(surface.surfaceId).toBe('main');
    expect(surface.catalogId).toBe(BASIC_CATALOG_ID);
    expect(surface.dataModel).toBe(dataModel);
    const other = buildSurface({ surfaceId: 's2', root: text('root', { text: 'x' }), catalogId: 'urn:custom' });
    expect(other.catalogId).toBe('urn:custom');
    expect(other.dataModel).toEqual({});
  });

  it('emits plain JSON: the JSON round trip gives the same surface', () => {
    const surface = buildSurface({ surfaceId: 'main', root: sampleTree().root, dataModel: { count: 1 } });
    expect(JSON.parse(JSON.stringify(surface))).toStrictEqual({ ...surface });
  });

  it('resolves string references to components defined elsewhere in the tree', () => {
    const shared = text('shared', { text: 'Shared pane' });
    const root = column('root', {
      children: [
        shared,
        card('c', { child: 'shared' }),
        tabs('t', { tabs: [{ title: 'A', child: 'shared' }] }),
        modal('m', { trigger: 'shared', content: 'shared' }),
        list('l', { children: { template: 'shared', path: '/items' } }),
        button('b', { child: 'shared', action: event('go') }),
      ],
    });
    const surface = buildSurface({ surfaceId: 'main', root });
    expect(Object.keys(surface.components)).toEqual(['root', 'shared', 'c', 't', 'm', 'l', 'b']);
  });

  it('handles a 10,000-deep tree without recursion', () => {
    let node: UiNode = text('leaf', { text: 'deep' });
    for (let i = 0; i < 10_000; i++) node = column(`c${i}`, { children: [node] });
    const surface = buildSurface({ surfaceId: 'main', root: column('root', { children: [node] }) });
    const ids = Object.keys(surface.components);
    expect(ids).toHaveLength(10_002);
    expect(ids[1]).toBe('c9999');
    expect(ids[ids.length - 1]).toBe('leaf');
  });
});

describe('buildSurface: the tree property', () => {
  const tree = sampleTree();
  const surface = buildSurface({ surfaceId: 'main', root: tree.root });

  it('is the root node', () => {
    expect(surface.tree).toBe(tree.root);
  });

  it('is non-enumerable and read-only', () => {
    const descriptor = Object.getOwnPropertyDescriptor(surface, 'tree');
    expect(descriptor?.enumerable).toBe(false);
    expect(descriptor?.writable).toBe(false);
    expect(Object.keys(surface)).toEqual(['surfaceId', 'catalogId', 'components', 'dataModel']);
  });

  it('is dropped by JSON.stringify, spreads and structuredClone', () => {
    expect(JSON.parse(JSON.stringify(surface))).not.toHaveProperty('tree');
    expect(JSON.stringify(surface)).not.toContain('"tree"');
    const spread = { ...surface };
    expect(spread.tree).toBeUndefined();
    expect('tree' in spread).toBe(false);
    const cloned = structuredClone(surface);
    expect(cloned.tree).toBeUndefined();
    expect(cloned.components).toEqual(surface.components);
  });
});

describe('buildSurface: errors', () => {
  it('MissingRootError when the root node is not "root"', () => {
    const error = thrown(() => buildSurface({ surfaceId: 'main', root: text('home', { text: 'x' }) }));
    expect(error).toBeInstanceOf(MissingRootError);
    expect(error).toBeInstanceOf(SurfaceError);
    expect(error).toMatchObject({ code: 'MISSING_ROOT', componentId: 'home', name: 'MissingRootError' });
    expect((error as Error).message).toContain('"home"');
  });

  it('DuplicateComponentIdError for two nodes with one id', () => {
    const root = column('root', { children: [text('dup', { text: '1' }), row('r', { children: [text('dup', { text: '2' })] })] });
    const error = thrown(() => buildSurface({ surfaceId: 'main', root }));
    expect(error).toBeInstanceOf(DuplicateComponentIdError);
    expect(error).toBeInstanceOf(SurfaceError);
    expect(error).toMatchObject({ code: 'DUPLICATE_COMPONENT_ID', componentId: 'dup' });
    expect((error as Error).message).toContain('"dup"');
  });

  it('DuplicateComponentIdError for one node placed twice', () => {
    const once = text('once', { text: 'x' });
    const error = thrown(() => buildSurface({ surfaceId: 'main', root: column('root', { children: [once, card('c', { child: once })] }) }));
    expect(error).toBeInstanceOf(DuplicateComponentIdError);
    expect(error).toMatchObject({ componentId: 'once' });
  });

  it('DuplicateComponentIdError when a child reuses the id "root"', () => {
    const error = thrown(() => buildSurface({ surfaceId: 'main', root: column('root', { children: [text('root', { text: 'x' })] }) }));
    expect(error).toBeInstanceOf(DuplicateComponentIdError);
    expect(error).toMatchObject({ componentId: 'root' });
  });

  it.each([
    ['a slash', 'a/b'],
    ['a tilde', 'a~1'],
    ['a space', 'a b'],
    ['empty', ''],
    ['201 characters', 'x'.repeat(201)],
    ['a quote', 'a"b'],
    ['non-ASCII', 'café'],
    ['__proto__', '__proto__'],
  ])('InvalidComponentIdError for an id with %s', (_label, id) => {
    const root = column('root', { children: [row('r', { children: [text(id, { text: 'x' })] })] });
    const error = thrown(() => buildSurface({ surfaceId: 'main', root }));
    expect(error).toBeInstanceOf(InvalidComponentIdError);
    expect(error).toBeInstanceOf(SurfaceError);
    expect(error).toMatchObject({ code: 'INVALID_COMPONENT_ID', componentId: id });
    expect((error as Error).message).toContain(JSON.stringify(id));
  });

  it('accepts every allowed character and 200-character ids, and names like "constructor"', () => {
    const longest = 'y'.repeat(200);
    const root = column('root', {
      children: [text('Az09_.:-', { text: 'x' }), text(longest, { text: 'x' }), text('constructor', { text: 'x' }), text('toString', { text: 'x' })],
    });
    expect(Object.keys(buildSurface({ surfaceId: 'main', root }).components)).toEqual(['root', 'Az09_.:-', longest, 'constructor', 'toString']);
  });

  it.each<[string, () => UiNode, string, string]>([
    ['a children list', () => column('root', { children: [text('a', { text: 'x' }), 'ghost'] }), 'root', 'children[1]'],
    ['a template componentId', () => column('root', { children: [list('l', { children: { template: 'ghost', path: '/items' } })] }), 'l', 'children.componentId'],
    ['a Card child', () => column('root', { children: [card('c', { child: 'ghost' })] }), 'c', 'child'],
    ['a Button child', () => column('root', { children: [button('b', { child: 'ghost', action: event('go') })] }), 'b', 'child'],
    [
      'a tab child',
      () => column('root', { children: [tabs('t', { tabs: [{ title: 'A', child: text('a', { text: 'x' }) }, { title: 'B', child: 'ghost' }] })] }),
      't',
      'tabs[1].child',
    ],
    ['a Modal trigger', () => column('root', { children: [modal('m', { trigger: 'ghost', content: text('x', { text: 'x' }) })] }), 'm', 'trigger'],
    ['a Modal content', () => column('root', { children: [modal('m', { trigger: text('x', { text: 'x' }), content: 'ghost' })] }), 'm', 'content'],
  ])('DanglingChildError for %s', (_label, makeRoot, parentId, property) => {
    const error = thrown(() => buildSurface({ surfaceId: 'main', root: makeRoot() }));
    expect(error).toBeInstanceOf(DanglingChildError);
    expect(error).toBeInstanceOf(SurfaceError);
    expect(error).toMatchObject({ code: 'DANGLING_CHILD', componentId: parentId, missingId: 'ghost', property });
    expect((error as Error).message).toContain(`"${parentId}"`);
    expect((error as Error).message).toContain('"ghost"');
  });
});

describe('validateSurface', () => {
  const map = (...components: Component[]): Record<string, Component> =>
    Object.fromEntries(components.map((c) => [c.id, c]));

  it('accepts a consistent map, in any order, including names like "constructor"', () => {
    expect(() =>
      validateSurface(
        map(
          { id: 'label', component: 'Text', text: 'Go' },
          { id: 'root', component: 'Column', children: ['go', 'constructor'] },
          { id: 'go', component: 'Button', child: 'label', action: { event: { name: 'go' } } },
          { id: 'constructor', component: 'Divider' },
        ),
      ),
    ).not.toThrow();
  });

  it('accepts every surface buildSurface makes', () => {
    expect(() => validateSurface(buildSurface({ surfaceId: 'main', root: sampleTree().root }).components)).not.toThrow();
  });

  it('MissingRootError without a "root" entry', () => {
    const error = thrown(() => validateSurface(map({ id: 'home', component: 'Text', text: 'x' })));
    expect(error).toBeInstanceOf(MissingRootError);
    expect(error).toMatchObject({ componentId: 'root' });
    expect((error as Error).message).toContain('"root"');
  });

  it('does not take an inherited property for "root"', () => {
    const inherited = Object.create({ root: { id: 'root', component: 'Divider' } }) as Record<string, Component>;
    expect(thrown(() => validateSurface(inherited))).toBeInstanceOf(MissingRootError);
  });

  it('DanglingChildError for each reference kind', () => {
    const cases: Array<[Component, string]> = [
      [{ id: 'root', component: 'Row', children: ['nope'] }, 'children[0]'],
      [{ id: 'root', component: 'List', children: { componentId: 'nope', path: '/items' } }, 'children.componentId'],
      [{ id: 'root', component: 'Card', child: 'nope' }, 'child'],
      [{ id: 'root', component: 'Button', child: 'nope', action: { event: { name: 'go' } } }, 'child'],
      [{ id: 'root', component: 'Tabs', tabs: [{ title: 'A', child: 'nope' }] }, 'tabs[0].child'],
      [{ id: 'root', component: 'Modal', trigger: 'nope', content: 'root' }, 'trigger'],
      [{ id: 'root', component: 'Modal', trigger: 'root', content: 'nope' }, 'content'],
    ];
    for (const [root, property] of cases) {
      const error = thrown(() => validateSurface(map(root)));
      expect(error).toBeInstanceOf(DanglingChildError);
      expect(error).toMatchObject({ componentId: 'root', missingId: 'nope', property });
      expect((error as Error).message).toContain('"nope"');
    }
  });

  it('InvalidComponentIdError for an invalid key', () => {
    const error = thrown(() =>
      validateSurface(map({ id: 'root', component: 'Column', children: ['a/b'] }, { id: 'a/b', component: 'Divider' })),
    );
    expect(error).toBeInstanceOf(InvalidComponentIdError);
    expect(error).toMatchObject({ componentId: 'a/b' });
  });

  it('InvalidComponentIdError for a "__proto__" key parsed from JSON', () => {
    const parsed = JSON.parse(
      '{"root": {"id": "root", "component": "Divider"}, "__proto__": {"id": "__proto__", "component": "Divider"}}',
    ) as Record<string, Component>;
    const error = thrown(() => validateSurface(parsed));
    expect(error).toBeInstanceOf(InvalidComponentIdError);
    expect(error).toMatchObject({ componentId: '__proto__' });
  });

  it('InvalidComponentIdError when a key holds a component with another id', () => {
    const error = thrown(() => validateSurface({ root: { id: 'root', component: 'Card', child: 'a' }, a: { id: 'b', component: 'Divider' } }));
    expect(error).toBeInstanceOf(InvalidComponentIdError);
    expect(error).toMatchObject({ componentId: 'a' });
    expect((error as Error).message).toContain('"b"');
  });
});
