import type { Plugin } from '../../agents/types';
import { Router, RouteTable } from '../../server/session/router';
import { closeTestModules, openTestModules } from '../helpers/services';

let plugins: Plugin[];
let table: RouteTable;
beforeAll(async () => {
  plugins = (await openTestModules()).plugins;
  table = new RouteTable(plugins);
});
afterAll(closeTestModules);

describe('RouteTable', () => {
  test('every route of the product has one state', () => {
    expect(table.routes.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/', '/email/inbox', '/email/thread/:id', '/email/compose', '/agents', '/agents/:id', '/worktrees', '/worktrees/new']),
    );
    expect(new Set(table.routes.map((r) => r.state)).size).toBe(table.routes.length);
  });

  test('matches paths with parameters, a trailing slash, a query', () => {
    expect(table.match('/email/thread/abc-123')).toEqual({ state: 'EMAIL_THREAD', path: '/email/thread/abc-123', params: { id: 'abc-123' }, pluginId: 'email' });
    expect(table.match('/agents/')).toMatchObject({ state: 'AGENTS', path: '/agents' });
    expect(table.match('/agents?x=1')).toMatchObject({ state: 'AGENTS' });
    expect(table.match('/')).toMatchObject({ state: 'DASHBOARD', pluginId: 'dashboard' });
  });

  test('refuses what is not a route', () => {
    for (const path of ['/nope', '/email', '/email/thread/', '/email/thread/a/b', '/agents/../../etc', '/agents/%2e%2e', '//agents', 'agents', '/agents/' + 'x'.repeat(201)]) {
      expect(table.match(path)).toBeUndefined();
    }
  });

  test('a plugin set without "/" or with a state twice is a start-up error', () => {
    const [dashboard, ...rest] = plugins;
    expect(() => new RouteTable(rest)).toThrow('no plugin declares the route "/"');
    expect(() => new RouteTable([dashboard!, dashboard!])).toThrow('declared twice');
  });
});

describe('Router (XState)', () => {
  test('starts on the dashboard, moves on NAVIGATE, and names the plugin in force', () => {
    const router = new Router(table);
    expect(router.current.state).toBe('DASHBOARD');
    expect(router.pluginId).toBe('dashboard');
    expect(router.navigate('/email/thread/42')).toBe(true);
    expect(router.current).toEqual({ state: 'EMAIL_THREAD', path: '/email/thread/42', params: { id: '42' } });
    expect(router.pluginId).toBe('email');
    expect(router.navigate('/worktrees/new')).toBe(true);
    expect(router.pluginId).toBe('worktree');
    // The statechart itself is in that state, not only the context.
    expect(router.state).toBe('WORKTREE_NEW');
  });

  test('an unknown path leaves the machine where it is', () => {
    const router = new Router(table);
    router.navigate('/agents');
    expect(router.navigate('/nowhere')).toBe(false);
    expect(router.current.state).toBe('AGENTS');
    expect(router.state).toBe('AGENTS');
  });
});
