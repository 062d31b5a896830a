import type { Plugin } from '../../agents/types';
import { text } from '../../renderer';
import type { Frame } from '../../server/session/frame';
import { RouteTable } from '../../server/session/router';
import { UserSession, type UserRecord } from '../../server/session/user-session';
import type { View } from '../../server/session/view';
import { VersionClock } from '../../server/session/versions';
import { applyOps, type Doc } from '../helpers/client';
import { labPlugin } from '../helpers/lab-plugin';
import { closeTestModules, openTestModules } from '../helpers/services';

// One set of services and plugins for every session here, as a server shares them between its users.
let plugins: Plugin<any, any>[];
beforeAll(async () => {
  plugins = [...(await openTestModules()).plugins, labPlugin() as Plugin<any, any>];
});
afterAll(closeTestModules);

let epochs = 0;

async function openUser(record?: UserRecord, options: { toastLifetimeMs?: number; plugins?: Plugin<any, any>[]; epoch?: number } = {}) {
  const saved: UserRecord[] = [];
  const list = options.plugins ?? plugins;
  const session = await UserSession.open('u1', record, {
    plugins: list,
    routes: new RouteTable(list),
    pluginTimeoutMs: 200,
    frameLogSize: 3,
    toastLifetimeMs: options.toastLifetimeMs ?? 60,
    maxViews: 10,
    clock: new VersionClock(() => options.epoch ?? ++epochs),
    save: (_id, next) => void saved.push(next),
  });
  return { session, saved, tab: (id = 'tab1', route?: string) => session.attach(id, 'tab', route ? { route } : undefined) };
}

function docOf(view: View): Doc {
  return { components: view.surface.components as Doc['components'], dataModel: view.surface.dataModel as Doc['dataModel'] };
}

const toastIds = (view: View) => Object.keys(view.surface.components).filter((id) => /^toast-t\d+$/.test(id));

describe('UserSession', () => {
  test('a success toast leaves by itself with a frame; an error toast stays until dismissed', async () => {
    const { session, tab } = await openUser();
    const view = await tab('t', '/lab');
    const frames: Frame[] = [];
    session.subscribe(view, (f) => frames.push(f));
    await session.dispatch(view.id, { action: 'add_item', payload: { name: 'pear' } });
    await session.dispatch(view.id, { action: 'boom', payload: {} });
    expect(toastIds(view)).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 150));
    const toasts = toastIds(view);
    expect(toasts).toHaveLength(1);
    expect(view.surface.components[`${toasts[0]}-text`]).toMatchObject({ text: 'Lab Agent failed: the lab exploded' });
    expect(frames.at(-1)!.ops.some((op) => op.op === 'remove')).toBe(true);
    await session.dispatch(view.id, { action: 'dismiss_toast', payload: { toast_id: toasts[0]!.slice('toast-'.length) } });
    expect(toastIds(view)).toHaveLength(0);
    session.close();
  });

  test('errors stay, three at most (the oldest goes), and five toasts at most in all', async () => {
    const { session, tab } = await openUser(undefined, { toastLifetimeMs: 60_000 });
    const view = await tab('t', '/lab');
    const texts = () =>
      Object.entries(view.surface.components)
        .filter(([id]) => /^toast-t\d+-text$/.test(id))
        .map(([, c]) => (c as { text: string }).text);
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) await session.dispatch(view.id, { action: 'add_item', payload: { name } });
    expect(texts()).toEqual(['Added b', 'Added c', 'Added d', 'Added e', 'Added f']);
    for (let i = 0; i < 4; i++) await session.dispatch(view.id, { action: 'boom', payload: {} });
    expect(texts().filter((t) => t.startsWith('Lab Agent failed'))).toHaveLength(3);
    expect(texts()).toHaveLength(5);
    session.close();
  });

  test('a navigation clears the toasts about the page left behind, not those the navigating action raised', async () => {
    const { session, tab } = await openUser(undefined, { toastLifetimeMs: 60_000 });
    const view = await tab('t', '/lab');
    await session.dispatch(view.id, { action: 'boom', payload: {} });
    expect(toastIds(view)).toHaveLength(1);
    await session.dispatch(view.id, { action: 'go_home_saying', payload: { message: 'About the dashboard' } });
    expect(view.route.path).toBe('/');
    const shown = toastIds(view).map((id) => (view.surface.components[`${id}-text`] as { text: string }).text);
    expect(shown).toEqual(['About the dashboard']);
    // Within the same section (or back to it) nothing is cleared; leaving it clears.
    await session.dispatch(view.id, { action: 'navigate', payload: { to: '/' } });
    expect(toastIds(view)).toHaveLength(1);
    await session.dispatch(view.id, { action: 'navigate', payload: { to: '/lab' } });
    expect(toastIds(view)).toHaveLength(0);
    session.close();
  });


  test("select and the client context merge into the view's context; preferences are the user's; a bad time zone is ignored", async () => {
    const { session, saved, tab } = await openUser();
    const one = await tab('one');
    const two = await tab('two');
    await session.dispatch(one.id, { action: 'select', payload: { ids: ['m1', 'm2'] }, context: { timezone: 'Asia/Tokyo', screen_size: 'mobile', user_prefs: { theme: 'dark' } } });
    expect(one.context).toMatchObject({ selection: ['m1', 'm2'], timezone: 'Asia/Tokyo', screen_size: 'mobile', user_prefs: { theme: 'dark' }, user_id: 'u1' });
    // The other tab keeps its own selection and device, and takes the user's preferences.
    expect(two.context).toMatchObject({ selection: null, timezone: 'UTC', screen_size: 'desktop', user_prefs: { theme: 'dark' } });
    expect(two.surface.dataModel.app).toMatchObject({ theme: 'dark' });
    expect(saved.at(-1)!.prefs).toEqual({ theme: 'dark' });
    await session.dispatch(one.id, { action: 'select', payload: { ids: [] }, context: { timezone: 'Mars/Olympus' } });
    expect(one.context.timezone).toBe('Asia/Tokyo');
    session.close();
  });

  test('the record is handed to the store only when a route or the preferences changed', async () => {
    const { session, saved, tab } = await openUser();
    const view = await tab('t');
    const context = { timezone: 'Asia/Tokyo', screen_size: 'mobile' as const };
    await session.dispatch(view.id, { action: 'select', payload: { ids: ['a'] }, context });
    const count = saved.length;
    await session.dispatch(view.id, { action: 'select', payload: { ids: ['b'] }, context });
    await session.dispatch(view.id, { action: 'select', payload: { ids: ['a'] } });
    expect(saved).toHaveLength(count);
    await session.dispatch(view.id, { action: 'navigate', payload: { to: '/agents' }, context });
    expect(saved).toHaveLength(count + 1);
    expect(saved.at(-1)!.views.t).toMatchObject({ route: '/agents' });
    session.close();
  });

  test("a plugin's navigate side effect moves the acting view's router only", async () => {
    const { session, tab } = await openUser();
    const one = await tab('one', '/lab');
    const two = await tab('two', '/lab');
    const answer = await session.dispatch(one.id, { action: 'go_home', payload: {} });
    expect(answer.frame.side_effects).toEqual([{ type: 'navigate', to: '/' }]);
    expect(one.route.state).toBe('DASHBOARD');
    expect(two.route.state).toBe('LAB');
    session.close();
  });

  test('a domain change reaches every view that shows it; toasts stay in the acting view', async () => {
    const { session, tab } = await openUser(undefined, { toastLifetimeMs: 60_000 });
    const one = await tab('one', '/lab');
    const two = await tab('two', '/lab');
    const home = await tab('home', '/');
    const heard: Record<string, Frame[]> = { one: [], two: [], home: [] };
    for (const view of [one, two, home]) session.subscribe(view, (f) => heard[view.id]!.push(f));
    await session.dispatch(one.id, { action: 'add_item', payload: { name: 'plum' } });
    expect(two.surface.components['lab-count']).toBeDefined();
    expect(Object.keys(two.surface.components).some((id) => id.startsWith('lab-item-'))).toBe(true);
    expect(toastIds(one)).toHaveLength(1);
    expect(toastIds(two)).toHaveLength(0);
    // The acting view's listener heard it too (no origin given); the other lab view got its own frame.
    expect(heard.one!.length).toBe(1);
    expect(heard.two!.length).toBe(1);
    expect(heard.two![0]!.side_effects).toEqual([]);
    // The dashboard does not show the lab; it shows the user's recent activity, which the toast joined:
    // its one frame touches the activity only.
    expect(heard.home).toHaveLength(1);
    expect(heard.home![0]!.ops.every((op) => op.path.startsWith('/components/dashboard-activity'))).toBe(true);
    session.close();
  });

  test('a client older than the bounded log gets a snapshot; within it, the exact ops', async () => {
    const { session, tab } = await openUser();
    const view = await tab('t', '/lab');
    const start = view.version;
    const startDoc = structuredClone(docOf(view));
    for (let i = 0; i < 2; i++) await session.dispatch(view.id, { action: 'bump', payload: {} });
    const near = session.catchUp(view, start);
    expect(near.from).toBe(start);
    expect(applyOps(startDoc, near.ops)).toEqual(docOf(view));
    for (let i = 0; i < 3; i++) await session.dispatch(view.id, { action: 'bump', payload: {} });
    const far = session.catchUp(view, start);
    expect(far.from).toBeNull();
    expect(far.ops).toEqual([{ op: 'replace', path: '', value: docOf(view) }]);
    session.close();
  });

  test('a restored user brings back a view on its remembered route, with versions no earlier start handed out', async () => {
    const first = await openUser(undefined, { epoch: 7 });
    const before = await first.tab('kept', '/agents');
    const old = before.version;
    first.session.close();
    const record = first.saved.at(-1)!;
    const { session } = await openUser(record, { epoch: 8 });
    const view = await session.attach('kept', 'tab');
    expect(view.route.state).toBe('AGENTS');
    expect(view.version).not.toBe(old);
    expect(view.version).toBeGreaterThan(old);
    expect(session.catchUp(view, old).from).toBeNull();
    expect(view.surface.dataModel.app).toMatchObject({ route: '/agents', user_id: 'u1' });
    session.close();
  });

  test('a remembered route that is no longer a route falls back to the dashboard', async () => {
    const { session } = await openUser({ prefs: {}, views: { gone: { route: '/gone', used_at: 1 } } });
    const view = await session.attach('gone', 'tab');
    expect(view.route.state).toBe('DASHBOARD');
    session.close();
  });

  test("a view's actions run one at a time: its versions form one line", async () => {
    const { session, tab } = await openUser();
    const view = await tab('t', '/lab');
    const answers = await Promise.all(Array.from({ length: 20 }, () => session.dispatch(view.id, { action: 'bump', payload: {} })));
    const spans = answers.map((a) => [a.frame.from, a.frame.to]).sort((x, y) => (x[0] as number) - (y[0] as number));
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBe(spans[i - 1]![1]);
    expect(view.surface.components['lab-count']).toMatchObject({ text: 'Count: 20' });
    session.close();
  });

  test('idle views without listeners are dropped; a view with a listener stays', async () => {
    const { session, tab } = await openUser();
    const idle = await tab('idle');
    const watched = await tab('watched');
    session.subscribe(watched, () => undefined);
    expect(await session.sweep(idle.lastActive + 10_000, 5_000)).toBe(1);
    expect(session.view('idle')).toBeUndefined();
    expect(session.view('watched')).toBe(watched);
    session.close();
  });

  test('a plugin whose init fails shows its error card with Retry; the other plugins work', async () => {
    let fail = true;
    const flaky: Plugin<{ ok: true }> = {
      id: 'flaky',
      title: 'Flaky',
      routes: [{ state: 'FLAKY', path: '/flaky' }],
      actions: {},
      init: () => {
        if (fail) throw new Error('the mailbox file is locked');
        return { ok: true };
      },
      createView: () => () => ({ root: text('flaky-ok', { text: 'fine' }) }),
    };
    const list = [...plugins, flaky as Plugin<any, any>];
    const { session, tab } = await openUser(undefined, { plugins: list });
    const view = await tab('t', '/flaky');
    expect(view.surface.components['flaky-failed-cause']).toMatchObject({ text: 'the mailbox file is locked' });
    await session.dispatch(view.id, { action: 'navigate', payload: { to: '/lab' } });
    expect(view.surface.components['lab-count']).toBeDefined();
    await session.dispatch(view.id, { action: 'navigate', payload: { to: '/flaky' } });
    fail = false;
    const retried = await session.dispatch(view.id, { action: 'retry_plugin', payload: { plugin: 'flaky' } });
    expect(retried.status).toBe('success');
    expect(view.surface.components['flaky-ok']).toBeDefined();
    expect(view.surface.components['flaky-failed-cause']).toBeUndefined();
    session.close();
  });
});
