import type { Plugin } from '../../agents/types';
import type { Frame } from '../../server/transport/protocol';
import { RouteTable } from '../../server/session/router';
import { Session, type PersistedSession } from '../../server/session/session';
import { applyOps, type Doc } from '../helpers/client';
import { labPlugin } from '../helpers/lab-plugin';
import { closeTestModules, openTestModules } from '../helpers/services';

// One set of services and plugins for every session here, as a server shares them between its users.
let plugins: Plugin[];
beforeAll(async () => {
  plugins = [...(await openTestModules()).plugins, labPlugin() as Plugin];
});
afterAll(closeTestModules);

async function openSession(persisted?: PersistedSession, toastLifetimeMs = 60) {
  const saved: PersistedSession[] = [];
  const session = await Session.open('u1', persisted, {
    plugins,
    routes: new RouteTable(plugins),
    pluginTimeoutMs: 200,
    frameLogSize: 3,
    toastLifetimeMs,
    persist: (_id, record) => saved.push(record),
  });
  return { session, saved };
}

function docOf(session: Session): Doc {
  return { components: session.currentSurface.components as Doc['components'], dataModel: session.currentSurface.dataModel as Doc['dataModel'] };
}

describe('Session', () => {
  test('a success toast leaves by itself with a frame; an error toast stays until dismissed', async () => {
    const { session } = await openSession();
    const frames: Frame[] = [];
    session.subscribe((f) => frames.push(f));
    await session.dispatch({ action: 'navigate', payload: { to: '/lab' } });
    await session.dispatch({ action: 'add_item', payload: { name: 'pear' } });
    await session.dispatch({ action: 'boom', payload: {} });
    expect(Object.keys(session.currentSurface.components).filter((id) => /^toast-t\d+$/.test(id))).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 150));
    const toasts = Object.keys(session.currentSurface.components).filter((id) => /^toast-t\d+$/.test(id));
    expect(toasts).toHaveLength(1);
    expect(session.currentSurface.components[`${toasts[0]}-text`]).toMatchObject({ text: 'Lab Agent failed: the lab exploded' });
    expect(frames.at(-1)!.ops.some((op) => op.op === 'remove')).toBe(true);
    await session.dispatch({ action: 'dismiss_toast', payload: { toast_id: toasts[0]!.slice('toast-'.length) } });
    expect(Object.keys(session.currentSurface.components).some((id) => id.startsWith('toast-'))).toBe(false);
    session.close();
  });

  test('at most three toasts are shown, the newest', async () => {
    const { session } = await openSession(undefined, 60_000);
    await session.dispatch({ action: 'navigate', payload: { to: '/lab' } });
    for (const name of ['a', 'b', 'c', 'd']) await session.dispatch({ action: 'add_item', payload: { name } });
    const texts = Object.entries(session.currentSurface.components)
      .filter(([id]) => /^toast-t\d+-text$/.test(id))
      .map(([, c]) => (c as { text: string }).text);
    expect(texts).toEqual(['Added b', 'Added c', 'Added d']);
    session.close();
  });

  test('select and the client context merge into the context; a bad time zone is ignored', async () => {
    const { session, saved } = await openSession();
    await session.dispatch({ action: 'select', payload: { ids: ['m1', 'm2'] }, context: { timezone: 'Asia/Tokyo', screen_size: 'mobile', user_prefs: { dense: true } } });
    expect(saved.at(-1)!.context).toMatchObject({ selection: ['m1', 'm2'], timezone: 'Asia/Tokyo', screen_size: 'mobile', user_prefs: { dense: true }, user_id: 'u1' });
    await session.dispatch({ action: 'select', payload: { ids: [] }, context: { timezone: 'Mars/Olympus', user_prefs: { theme: 'dark' } } });
    expect(saved.at(-1)!.context.timezone).toBe('Asia/Tokyo');
    expect(saved.at(-1)!.context.user_prefs).toEqual({ theme: 'dark' });
    session.close();
  });

  test('the record is handed to the store only when the context or version changed', async () => {
    const { session, saved } = await openSession();
    const context = { timezone: 'Asia/Tokyo', screen_size: 'mobile' as const, route: '/' };
    await session.dispatch({ action: 'select', payload: { ids: ['a'] }, context });
    const count = saved.length;
    await session.dispatch({ action: 'select', payload: { ids: ['a'] }, context });
    await session.dispatch({ action: 'select', payload: { ids: ['a'] } });
    expect(saved).toHaveLength(count);
    await session.dispatch({ action: 'navigate', payload: { to: '/agents' }, context });
    expect(saved).toHaveLength(count + 1);
    expect(saved.at(-1)).toMatchObject({ context: { route: '/agents' }, version: session.currentVersion });
    session.close();
  });

  test('a plugin navigate side effect moves the router', async () => {
    const { session } = await openSession();
    await session.dispatch({ action: 'navigate', payload: { to: '/lab' } });
    const answer = await session.dispatch({ action: 'go_home', payload: {} });
    expect(answer.frame.side_effects).toEqual([{ type: 'navigate', to: '/' }]);
    expect(session.currentRoute.state).toBe('DASHBOARD');
    session.close();
  });

  test('a client older than the bounded log gets a snapshot; within it, the exact ops', async () => {
    const { session } = await openSession();
    await session.dispatch({ action: 'navigate', payload: { to: '/lab' } });
    const start = session.currentVersion;
    const startDoc = structuredClone(docOf(session));
    for (let i = 0; i < 2; i++) await session.dispatch({ action: 'bump', payload: {} });
    const near = session.catchUp(start);
    expect(near.from).toBe(start);
    expect(applyOps(startDoc, near.ops)).toEqual(docOf(session));
    for (let i = 0; i < 3; i++) await session.dispatch({ action: 'bump', payload: {} });
    const far = session.catchUp(start);
    expect(far.from).toBeNull();
    expect(far.ops).toEqual([{ op: 'replace', path: '', value: docOf(session) }]);
    session.close();
  });

  test('a restored session keeps its route and context and starts a new version', async () => {
    const persisted: PersistedSession = {
      context: { route: '/agents', selection: ['x'], user_id: 'someone-else', timezone: 'UTC', screen_size: 'tablet', user_prefs: {}, capabilities: {} },
      version: 41,
    };
    const { session } = await openSession(persisted);
    expect(session.currentVersion).toBe(42);
    expect(session.currentRoute.state).toBe('AGENTS');
    expect(session.currentSurface.dataModel.app).toEqual({ route: '/agents', user_id: 'u1' });
    session.close();
  });

  test('a persisted route that is no longer a route falls back to the dashboard', async () => {
    const { session } = await openSession({
      context: { route: '/gone', selection: null, user_id: 'u1', timezone: 'UTC', screen_size: 'desktop', user_prefs: {}, capabilities: {} },
      version: 3,
    });
    expect(session.currentRoute.state).toBe('DASHBOARD');
    session.close();
  });

  test('actions run one at a time: versions form one line', async () => {
    const { session } = await openSession();
    await session.dispatch({ action: 'navigate', payload: { to: '/lab' } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => session.dispatch({ action: 'bump', payload: {} })));
    const spans = answers.map((a) => [a.frame.from, a.frame.to]).sort((x, y) => (x[0] as number) - (y[0] as number));
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBe(spans[i - 1]![1]);
    expect(session.currentSurface.components['lab-count']).toMatchObject({ text: 'Count: 20' });
    session.close();
  });
});
