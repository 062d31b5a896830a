import type { Operation } from 'fast-json-patch';
import { opTargets } from '../../client-demo/src/op-targets';

/** The component ids an op touches: the view of `opTargets` these tests read most. */
function affectedComponentIds(op: Pick<Operation, 'op' | 'path'> & { from?: string }): string[] {
  const ids = new Set<string>();
  for (const target of opTargets(op)) if (target.kind === 'component') ids.add(target.id);
  return [...ids];
}

describe('what an op touches', () => {
  test('the whole document and the whole component map', () => {
    expect(opTargets({ op: 'replace', path: '' })).toEqual([{ kind: 'document' }]);
    expect(opTargets({ op: 'replace', path: '/components' })).toEqual([{ kind: 'components' }]);
  });

  test('a whole component: add, remove, replace', () => {
    for (const op of ['add', 'remove', 'replace'] as const) {
      expect(opTargets({ op, path: '/components/mail-row-1' })).toEqual([{ kind: 'component', id: 'mail-row-1', prop: null }]);
    }
  });

  test('a property, however deep, names the component and the top-level prop', () => {
    expect(opTargets({ op: 'replace', path: '/components/title/text' })).toEqual([
      { kind: 'component', id: 'title', prop: 'text' },
    ]);
    expect(opTargets({ op: 'replace', path: '/components/btn/action/event/context/id' })).toEqual([
      { kind: 'component', id: 'btn', prop: 'action' },
    ]);
    expect(affectedComponentIds({ op: 'add', path: '/components/list/children/3' })).toEqual(['list']);
  });

  test('escaped ids are unescaped', () => {
    expect(affectedComponentIds({ op: 'replace', path: '/components/a~1b/text' })).toEqual(['a/b']);
  });

  test('a children move touches the parent once; a move between parents touches both', () => {
    expect(affectedComponentIds({ op: 'move', from: '/components/list/children/0', path: '/components/list/children/3' })).toEqual(['list']);
    expect(
      affectedComponentIds({ op: 'move', from: '/components/a/children/1', path: '/components/b/children/0' }).sort(),
    ).toEqual(['a', 'b']);
  });

  test('data ops touch a data pointer, not a component', () => {
    expect(affectedComponentIds({ op: 'replace', path: '/dataModel/user/name' })).toEqual([]);
    expect(opTargets({ op: 'replace', path: '/dataModel/user/name' })).toEqual([{ kind: 'data', pointer: '/user/name' }]);
    expect(opTargets({ op: 'replace', path: '/dataModel' })).toEqual([{ kind: 'data', pointer: '' }]);
  });

  test('an insert or removal in a data array touches the whole array (later items shift)', () => {
    expect(opTargets({ op: 'add', path: '/dataModel/items/2' })).toEqual([{ kind: 'data', pointer: '/items' }]);
    expect(opTargets({ op: 'add', path: '/dataModel/items/-' })).toEqual([{ kind: 'data', pointer: '/items' }]);
    expect(opTargets({ op: 'remove', path: '/dataModel/items/0' })).toEqual([{ kind: 'data', pointer: '/items' }]);
    // A replace keeps positions: only that item.
    expect(opTargets({ op: 'replace', path: '/dataModel/items/2' })).toEqual([{ kind: 'data', pointer: '/items/2' }]);
  });

  test('test ops and paths outside the document touch nothing', () => {
    expect(opTargets({ op: 'test', path: '/components/x' })).toEqual([]);
    expect(opTargets({ op: 'add', path: '/other/x' })).toEqual([]);
    expect(opTargets({ op: 'add', path: 'no-slash' })).toEqual([]);
  });
});
