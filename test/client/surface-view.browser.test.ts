/**
 * The surface view in real Chromium: snapshots and op lists applied through the harness bundle
 * (harness/entry.ts), DOM and data model inspected from the page. No server: the ops are the ones the
 * server's diff emits for these changes (components added first, then updates, then removals).
 */
import { bundleForBrowser } from '../../client-demo/build';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { close, launchBrowser, listen, staticHandler } from './browser';
import type { RecordedMutation } from './harness/entry';

jest.setTimeout(60_000);

let dir: string;
let server: http.Server;
let browser: Browser;
let page: Page;
let baseUrl: string;
const pageErrors: string[] = [];
const dialogs: string[] = [];

const HARNESS_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="/styles.css"></head>
<body><main id="surface"></main><script src="/harness.js"></script></body></html>`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'a2ui-client-harness-'));
  await bundleForBrowser(path.join(__dirname, 'harness/entry.ts'), path.join(dir, 'harness.js'), { minify: false, sourcemap: 'inline' });
  await writeFile(path.join(dir, 'index.html'), HARNESS_HTML);
  await copyFile(path.join(__dirname, '../../client-demo/dist/styles.css'), path.join(dir, 'styles.css')); // built: its imports inlined
  server = http.createServer(staticHandler(dir));
  baseUrl = await listen(server);
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${baseUrl}/`);
  await page.waitForFunction(() => window.harness !== undefined);
});

afterAll(async () => {
  await browser?.close();
  await close(server);
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await page.evaluate(() => window.harness.reset());
});

afterEach(() => {
  // A thrown error in the page or a script-made dialog means something ran that must not have.
  expect(pageErrors).toEqual([]);
  expect(dialogs).toEqual([]);
});

type Doc = { components: Record<string, Record<string, unknown>>; dataModel: Record<string, unknown> };
type Op = { op: string; path: string; value?: unknown; from?: string };

function snapshot(doc: Doc): Promise<void> {
  return page.evaluate((d) => window.harness.snapshot(d), doc);
}

function ops(list: Op[]): Promise<boolean> {
  return page.evaluate((o) => window.harness.ops(o as never), list);
}

/** Tags every rendered element: a re-created one loses its tag (see unmarked). */
function mark(): Promise<void> {
  return page.evaluate(() => window.harness.mark());
}

/** Ids (with index) of the elements re-created since the last mark. */
function unmarked(): Promise<string[]> {
  return page.evaluate(() => window.harness.unmarked());
}

/** Starts recording DOM mutations (see observed). */
function observe(): Promise<void> {
  return page.evaluate(() => window.harness.observe());
}

/** The mutations since the last observe, by component id. */
function observed(): Promise<RecordedMutation[]> {
  return page.evaluate(() => window.harness.mutations());
}

/** `{id: {component, ...props}}` → the components map, with each id filled in. */
function components(map: Record<string, Record<string, unknown>>): Doc['components'] {
  return Object.fromEntries(Object.entries(map).map(([id, props]) => [id, { id, ...props }]));
}

/** Root Column with children a..d (Texts "A".."D"). */
function fourTexts(): Doc {
  return {
    components: components({
      root: { component: 'Column', children: ['a', 'b', 'c', 'd'] },
      a: { component: 'Text', text: 'A' },
      b: { component: 'Text', text: 'B' },
      c: { component: 'Text', text: 'C' },
      d: { component: 'Text', text: 'D' },
    }),
    dataModel: {},
  };
}

function childIds(id: string): Promise<Array<string | null>> {
  return page.evaluate((i) => [...window.harness.el(i).children].map((el) => el.getAttribute('data-id')), id);
}

describe('rendering every basic-catalog component', () => {
  const doc: Doc = {
    components: components({
      root: {
        component: 'Column',
        children: ['h1', 'body', 'caption', 'img', 'icon', 'icon-svg', 'video', 'audio', 'row', 'list', 'card', 'tabs', 'modal', 'divider', 'btn', 'tf', 'tf-pass', 'cb', 'cp', 'slider', 'dt'],
        justify: 'center',
        align: 'start',
      },
      h1: { component: 'Text', text: 'Inbox', variant: 'h1' },
      body: { component: 'Text', text: 'Hello **world**' },
      caption: { component: 'Text', text: { path: '/caption' }, variant: 'caption' },
      img: { component: 'Image', url: 'https://example.com/a.png', description: 'Avatar of Ada', fit: 'scaleDown', variant: 'avatar' },
      icon: { component: 'Icon', name: 'mail' },
      'icon-svg': { component: 'Icon', name: { svgPath: 'M0 0h24v24H0z' }, accessibility: { label: 'Custom' } },
      video: { component: 'Video', url: 'https://example.com/v.mp4' },
      audio: { component: 'AudioPlayer', url: 'https://example.com/a.mp3', description: 'Episode 1' },
      row: { component: 'Row', children: ['row-a', 'row-b'], justify: 'spaceBetween', align: 'center' },
      'row-a': { component: 'Text', text: 'left', weight: 2, accessibility: { label: 'Left side', description: 'The left part' } },
      'row-b': { component: 'Text', text: 'right' },
      list: { component: 'List', children: ['list-a'], direction: 'horizontal', align: 'center' },
      'list-a': { component: 'Text', text: 'item' },
      card: { component: 'Card', child: 'card-text' },
      'card-text': { component: 'Text', text: 'In a card' },
      tabs: { component: 'Tabs', tabs: [{ title: 'First', child: 'tab-1' }, { title: { path: '/tabTitle' }, child: 'tab-2' }] },
      'tab-1': { component: 'Text', text: 'Tab one' },
      'tab-2': { component: 'Text', text: 'Tab two' },
      modal: { component: 'Modal', trigger: 'modal-open', content: 'modal-body' },
      'modal-open': { component: 'Button', child: 'modal-open-text', action: { event: { name: 'must_not_fire' } } },
      'modal-open-text': { component: 'Text', text: 'Open' },
      'modal-body': { component: 'Text', text: 'Inside the modal' },
      divider: { component: 'Divider', axis: 'vertical' },
      btn: { component: 'Button', child: 'btn-text', variant: 'primary', action: { event: { name: 'reply', context: { email_id: '123' } } } },
      'btn-text': { component: 'Text', text: 'Reply' },
      tf: { component: 'TextField', label: 'Message', value: { path: '/form/message' }, variant: 'longText' },
      'tf-pass': { component: 'TextField', label: 'Password', value: '', variant: 'obscured', validationRegexp: '^.{8,}$' },
      cb: { component: 'CheckBox', label: 'Agree', value: { path: '/form/agree' } },
      cp: {
        component: 'ChoicePicker',
        label: 'Colours',
        variant: 'multipleSelection',
        options: [
          { label: 'Red', value: 'red' },
          { label: 'Green', value: 'green' },
          { label: 'Blue', value: 'blue' },
        ],
        value: { path: '/form/colours' },
        displayStyle: 'chips',
        filterable: true,
      },
      slider: { component: 'Slider', label: 'Volume', min: 2, max: 10, value: { path: '/form/volume' } },
      dt: { component: 'DateTimeInput', label: 'Due', value: '2025-01-02', enableDate: true, min: '2024-01-01', max: '2026-12-31' },
    }),
    dataModel: {
      caption: 'A caption',
      tabTitle: 'Second',
      form: { message: 'Hi there', agree: true, colours: ['green'], volume: 7 },
    },
  };

  test('all 18 types render with their props', async () => {
    await snapshot(doc);
    const r = await page.evaluate(() => {
      const h = window.harness;
      const el = (id: string) => h.el(id);
      const style = (id: string) => getComputedStyle(el(id));
      const types = [...new Set([...document.querySelectorAll('[data-component]')].map((e) => e.getAttribute('data-component')))].sort();
      const img = el('img') as HTMLImageElement;
      const cp = el('cp');
      const slider = el('slider').querySelector('input') as HTMLInputElement;
      const dt = el('dt').querySelector('input') as HTMLInputElement;
      return {
        types,
        root: { justify: style('root').justifyContent, align: style('root').alignItems, direction: style('root').flexDirection },
        h1: { tag: el('h1').tagName, text: el('h1').textContent },
        body: { tag: el('body').tagName, strong: el('body').querySelector('strong')?.textContent, text: el('body').textContent },
        caption: { tag: el('caption').tagName, text: el('caption').textContent, cls: el('caption').className },
        img: { src: img.getAttribute('src'), alt: img.alt, fit: img.style.objectFit, avatar: img.classList.contains('a2-image--avatar') },
        icon: { glyph: el('icon').textContent, label: el('icon').getAttribute('aria-label'), hidden: el('icon').getAttribute('aria-hidden'), svg: !!el('icon').querySelector('svg path[d]'), name: el('icon').getAttribute('data-icon') },
        iconSvg: {
          d: el('icon-svg').querySelector('svg path')?.getAttribute('d'),
          ns: el('icon-svg').querySelector('svg')?.namespaceURI,
          label: el('icon-svg').getAttribute('aria-label'),
        },
        video: { tag: el('video').tagName, src: el('video').getAttribute('src'), controls: (el('video') as HTMLVideoElement).controls },
        audio: {
          src: el('audio').querySelector('audio')?.getAttribute('src'),
          controls: el('audio').querySelector('audio')?.controls,
          description: el('audio').textContent,
        },
        row: { dir: style('row').flexDirection, justify: style('row').justifyContent, align: style('row').alignItems, kids: [...el('row').children].map((k) => k.getAttribute('data-id')) },
        rowA: { grow: style('row-a').flexGrow, basis: style('row-a').flexBasis, label: el('row-a').getAttribute('aria-label'), description: el('row-a').getAttribute('aria-description') },
        // A List's items sit in its scroller (the List itself also holds its Jump to latest button).
        list: (() => {
          const items = el('list').querySelector('.a2-list-items')!;
          return { dir: getComputedStyle(items).flexDirection, align: getComputedStyle(items).alignItems, kid: items.firstElementChild?.getAttribute('data-id') };
        })(),
        card: { child: el('card').firstElementChild?.getAttribute('data-id') },
        tabs: {
          titles: [...el('tabs').querySelectorAll('[role="tab"]')].map((t) => t.textContent),
          selected: el('tabs').querySelector('[aria-selected="true"]')?.textContent,
          panel: [...el('tabs').querySelector('[role="tabpanel"]')!.children].map((k) => k.getAttribute('data-id')),
        },
        modal: {
          trigger: el('modal').querySelector('.a2-modal-trigger > [data-id]')?.getAttribute('data-id'),
          dialogOpen: (el('modal').querySelector('dialog') as HTMLDialogElement).open,
          content: el('modal').querySelector('dialog [data-id]')?.getAttribute('data-id'),
          close: !!el('modal').querySelector('dialog button[aria-label="Close"]'),
        },
        divider: { tag: el('divider').tagName, orientation: el('divider').getAttribute('aria-orientation') },
        btn: { tag: el('btn').tagName, primary: el('btn').classList.contains('a2-button--primary'), child: el('btn').firstElementChild?.getAttribute('data-id'), disabled: (el('btn') as HTMLButtonElement).disabled },
        tf: { control: el('tf').querySelector('.a2-control')?.tagName, value: (el('tf').querySelector('.a2-control') as HTMLTextAreaElement).value, label: el('tf').querySelector('label')?.textContent },
        tfPass: { type: el('tf-pass').querySelector('input')?.type, invalid: el('tf-pass').querySelector('input')?.getAttribute('aria-invalid') },
        cb: { checked: (el('cb').querySelector('input') as HTMLInputElement).checked, label: el('cb').textContent },
        cp: {
          legend: cp.querySelector('legend')?.textContent,
          types: [...cp.querySelectorAll('.a2-choice-options input')].map((i) => (i as HTMLInputElement).type),
          checked: [...cp.querySelectorAll('.a2-choice-options input')].filter((i) => (i as HTMLInputElement).checked).map((i) => (i as HTMLInputElement).value),
          labels: [...cp.querySelectorAll('.a2-choice-option')].map((o) => o.textContent),
          chips: cp.classList.contains('a2-choice--chips'),
          filter: !(cp.querySelector('.a2-choice-filter') as HTMLInputElement).hidden,
        },
        slider: { type: slider.type, min: slider.min, max: slider.max, value: slider.value, label: el('slider').querySelector('.a2-field-label-text')?.textContent },
        dt: { type: dt.type, value: dt.value, min: dt.min, max: dt.max },
      };
    });

    expect(r.types).toEqual(
      ['AudioPlayer', 'Button', 'Card', 'CheckBox', 'ChoicePicker', 'Column', 'DateTimeInput', 'Divider', 'Icon', 'Image', 'List', 'Modal', 'Row', 'Slider', 'Tabs', 'Text', 'TextField', 'Video'],
    );
    expect(r.root).toEqual({ justify: 'center', align: 'flex-start', direction: 'column' });
    expect(r.h1).toEqual({ tag: 'H1', text: 'Inbox' });
    expect(r.body).toEqual({ tag: 'SPAN', strong: 'world', text: 'Hello world' });
    expect(r.caption).toEqual({ tag: 'SMALL', text: 'A caption', cls: 'a2-text a2-text--caption' });
    expect(r.img).toEqual({ src: 'https://example.com/a.png', alt: 'Avatar of Ada', fit: 'scale-down', avatar: true });
    // Drawn as SVG (no glyph, no emoji), decorative without a label of its own.
    expect(r.icon).toEqual({ glyph: '', label: null, hidden: 'true', svg: true, name: 'mail' });
    expect(r.iconSvg).toEqual({ d: 'M0 0h24v24H0z', ns: 'http://www.w3.org/2000/svg', label: 'Custom' });
    expect(r.video).toEqual({ tag: 'VIDEO', src: 'https://example.com/v.mp4', controls: true });
    expect(r.audio).toEqual({ src: 'https://example.com/a.mp3', controls: true, description: 'Episode 1' });
    expect(r.row).toEqual({ dir: 'row', justify: 'space-between', align: 'center', kids: ['row-a', 'row-b'] });
    expect(r.rowA).toEqual({ grow: '2', basis: '0px', label: 'Left side', description: 'The left part' });
    expect(r.list).toEqual({ dir: 'row', align: 'center', kid: 'list-a' });
    expect(r.card).toEqual({ child: 'card-text' });
    expect(r.tabs).toEqual({ titles: ['First', 'Second'], selected: 'First', panel: ['tab-1'] });
    expect(r.modal).toEqual({ trigger: 'modal-open', dialogOpen: false, content: 'modal-body', close: true });
    expect(r.divider).toEqual({ tag: 'HR', orientation: 'vertical' });
    expect(r.btn).toEqual({ tag: 'BUTTON', primary: true, child: 'btn-text', disabled: false });
    expect(r.tf).toEqual({ control: 'TEXTAREA', value: 'Hi there', label: 'Message' });
    expect(r.tfPass).toEqual({ type: 'password', invalid: null });
    expect(r.cb).toEqual({ checked: true, label: 'Agree' });
    expect(r.cp).toEqual({
      legend: 'Colours',
      types: ['checkbox', 'checkbox', 'checkbox'],
      checked: ['green'],
      labels: ['Red', 'Green', 'Blue'],
      chips: true,
      filter: true,
    });
    expect(r.slider).toEqual({ type: 'range', min: '2', max: '10', value: '7', label: 'Volume' });
    expect(r.dt).toEqual({ type: 'date', value: '2025-01-02', min: '2024-01-01', max: '2026-12-31' });
  });

  test('every element carries data-id and data-component', async () => {
    await snapshot(doc);
    const missing = await page.evaluate(() =>
      [...document.querySelectorAll('#surface [data-component]')].filter((el) => !el.getAttribute('data-id')).length,
    );
    const count = await page.evaluate(() => document.querySelectorAll('#surface [data-id]').length);
    expect(missing).toBe(0);
    expect(count).toBe(Object.keys(doc.components).length - 1); // tab-2 is not shown until selected
  });

  test('tabs switch locally; the modal trigger opens the dialog instead of sending its action', async () => {
    await snapshot(doc);
    await page.click('[data-id="tabs"] [role="tab"]:nth-child(2)');
    const panel = () =>
      page.evaluate(() => [...window.harness.el('tabs').querySelector('[role="tabpanel"]')!.children].map((k) => k.getAttribute('data-id')));
    expect(await panel()).toEqual(['tab-2']);
    expect(await page.getAttribute('[data-id="tabs"] [role="tab"]:nth-child(2)', 'aria-selected')).toBe('true');
    await page.click('[data-id="modal-open"]');
    expect(await page.evaluate(() => (window.harness.el('modal').querySelector('dialog') as HTMLDialogElement).open)).toBe(true);
    expect(await page.evaluate(() => window.harness.actions)).toEqual([]);
    await page.click('dialog button[aria-label="Close"]');
    expect(await page.evaluate(() => (window.harness.el('modal').querySelector('dialog') as HTMLDialogElement).open)).toBe(false);
  });

  test('the chip filter hides options that do not match', async () => {
    await snapshot(doc);
    await page.fill('[data-id="cp"] .a2-choice-filter', 'RE');
    const visible = await page.evaluate(() =>
      [...window.harness.el('cp').querySelectorAll('.a2-choice-option')].filter((o) => !(o as HTMLElement).hidden).map((o) => o.textContent),
    );
    expect(visible).toEqual(['Red', 'Green']);
  });
});

describe('ops touch only their nodes', () => {
  test("a Text's text change mutates only that element or its text node", async () => {
    await snapshot(fourTexts());
    await observe();
    expect(await ops([{ op: 'replace', path: '/components/b/text', value: 'B2' }])).toBe(true);
    const mutations = await observed();
    expect(mutations.length).toBeGreaterThan(0);
    expect(mutations.every((m) => m.target === 'b' && m.added.every((a) => a === '#text'))).toBe(true);
    expect(await page.evaluate(() => window.harness.el('b').textContent)).toBe('B2');
    expect(await page.evaluate(() => ['a', 'c', 'd'].map((id) => window.harness.el(id).textContent))).toEqual(['A', 'C', 'D']);
  });

  test('a children move moves the existing DOM node (identity kept), and only it', async () => {
    await snapshot(fourTexts());
    await mark();
    await observe();
    expect(await ops([{ op: 'move', from: '/components/root/children/0', path: '/components/root/children/3' }])).toBe(true);
    expect(await childIds('root')).toEqual(['b', 'c', 'd', 'a']);
    expect(await unmarked()).toEqual([]);
    const mutations = await observed();
    const moved = new Set(mutations.flatMap((m) => [...m.added, ...m.removed]));
    expect([...moved]).toEqual(['a']);
    expect(mutations.every((m) => m.type === 'childList' && m.target === 'root')).toBe(true);
  });

  test('a reorder of many children keeps every node', async () => {
    await snapshot(fourTexts());
    await mark();
    expect(
      await ops([
        { op: 'move', from: '/components/root/children/3', path: '/components/root/children/0' },
        { op: 'move', from: '/components/root/children/3', path: '/components/root/children/1' },
      ]),
    ).toBe(true);
    expect(await childIds('root')).toEqual(['d', 'c', 'a', 'b']);
    expect(await unmarked()).toEqual([]);
  });

  test('an insert adds exactly one element at its index', async () => {
    await snapshot(fourTexts());
    await mark();
    await observe();
    expect(
      await ops([
        { op: 'add', path: '/components/e', value: { id: 'e', component: 'Text', text: 'E' } },
        { op: 'add', path: '/components/root/children/2', value: 'e' },
      ]),
    ).toBe(true);
    expect(await childIds('root')).toEqual(['a', 'b', 'e', 'c', 'd']);
    expect(await unmarked()).toEqual(['e#']);
    const mutations = await observed();
    expect(mutations).toEqual([expect.objectContaining({ type: 'childList', target: 'root', added: ['e'], removed: [] })]);
  });

  test('a removal removes that element and nothing else', async () => {
    await snapshot(fourTexts());
    await mark();
    await observe();
    expect(
      await ops([
        { op: 'remove', path: '/components/root/children/1' },
        { op: 'remove', path: '/components/b' },
      ]),
    ).toBe(true);
    expect(await childIds('root')).toEqual(['a', 'c', 'd']);
    expect(await page.evaluate(() => window.harness.els('b').length)).toBe(0);
    expect(await unmarked()).toEqual([]);
    const mutations = await observed();
    expect(mutations).toEqual([expect.objectContaining({ type: 'childList', target: 'root', added: [], removed: ['b'] })]);
  });

  test('a component whose type changes gets a new element; its children are moved in, not re-created', async () => {
    await snapshot({
      components: components({
        root: { component: 'Column', children: ['box', 'after'] },
        box: { component: 'Row', children: ['x', 'y'] },
        x: { component: 'Text', text: 'X' },
        y: { component: 'Text', text: 'Y' },
        after: { component: 'Text', text: 'after' },
      }),
      dataModel: {},
    });
    await mark();
    expect(await ops([{ op: 'replace', path: '/components/box', value: { id: 'box', component: 'Card', child: 'x' } }])).toBe(true);
    expect(await page.evaluate(() => window.harness.el('box').tagName)).toBe('SECTION');
    expect(await childIds('box')).toEqual(['x']);
    expect(await childIds('root')).toEqual(['box', 'after']);
    expect(await unmarked()).toEqual(['box#']);
    expect(await page.evaluate(() => window.harness.els('y').length)).toBe(0);
  });

  test('a Text variant change swaps the tag in place', async () => {
    await snapshot(fourTexts());
    expect(await ops([{ op: 'add', path: '/components/c/variant', value: 'h2' }])).toBe(true);
    expect(await page.evaluate(() => window.harness.el('c').tagName)).toBe('H2');
    expect(await childIds('root')).toEqual(['a', 'b', 'c', 'd']);
  });

  test('an op that does not apply returns false (the caller resyncs)', async () => {
    await snapshot(fourTexts());
    const warn = await page.evaluate(() => {
      const original = console.warn;
      console.warn = () => {};
      try {
        return window.harness.ops([{ op: 'replace', path: '/components/nope/text', value: 'x' }]);
      } finally {
        console.warn = original;
      }
    });
    expect(warn).toBe(false);
    expect(await page.evaluate(() => window.harness.view.stale)).toBe(true);
  });
});

describe('data binding', () => {
  const bound: Doc = {
    components: components({
      root: { component: 'Column', children: ['name', 'name-again', 'user', 'other', 'literal'] },
      name: { component: 'Text', text: { path: '/user/name' } },
      'name-again': { component: 'Text', text: { path: '/user/name' } },
      user: { component: 'Text', text: { path: '/user' } },
      other: { component: 'Text', text: { path: '/other' } },
      literal: { component: 'Text', text: 'fixed' },
    }),
    dataModel: { user: { name: 'Ada' }, other: 'x' },
  };

  test('a data change updates only the elements bound to that pointer or above it', async () => {
    await snapshot(bound);
    await observe();
    expect(await ops([{ op: 'replace', path: '/dataModel/user/name', value: 'Grace' }])).toBe(true);
    const touched = new Set((await observed()).map((m) => m.target));
    expect([...touched].sort()).toEqual(['name', 'name-again', 'user']);
    expect(await page.evaluate(() => ['name', 'name-again', 'user', 'other'].map((id) => window.harness.el(id).textContent))).toEqual([
      'Grace',
      'Grace',
      '{"name":"Grace"}',
      'x',
    ]);
  });

  test('a change to an unbound pointer touches nothing; a change above a binding reaches it', async () => {
    await snapshot(bound);
    await observe();
    expect(await ops([{ op: 'add', path: '/dataModel/unrelated', value: 1 }])).toBe(true);
    expect(await observed()).toEqual([]);
    expect(await ops([{ op: 'replace', path: '/dataModel/user', value: { name: 'Linus' } }])).toBe(true);
    const touched = new Set((await observed()).map((m) => m.target));
    expect([...touched].sort()).toEqual(['name', 'name-again', 'user']);
    expect(await page.evaluate(() => window.harness.el('name').textContent)).toBe('Linus');
  });

  test('a prop switched from one binding to another follows the new path only', async () => {
    await snapshot(bound);
    expect(await ops([{ op: 'replace', path: '/components/name/text/path', value: '/other' }])).toBe(true);
    expect(await page.evaluate(() => window.harness.el('name').textContent)).toBe('x');
    await observe();
    await ops([{ op: 'replace', path: '/dataModel/user/name', value: 'Nobody' }]);
    const touched = new Set((await observed()).map((m) => m.target));
    expect(touched.has('name')).toBe(false);
  });
});

describe('templates', () => {
  const listDoc = (): Doc => ({
    components: components({
      root: { component: 'Column', children: ['people'] },
      people: { component: 'List', children: { componentId: 'person', path: '/people' } },
      person: { component: 'Row', children: ['person-name', 'person-company', 'person-greet'] },
      'person-name': { component: 'Text', text: { path: 'name' } },
      'person-company': { component: 'Text', text: { path: '/company' } },
      'person-greet': { component: 'Button', child: 'greet-text', action: { event: { name: 'greet', context: { who: { path: 'name' }, id: { path: 'id' }, company: { path: '/company' }, kind: 'person' } } } },
      'greet-text': { component: 'Text', text: 'Hi' },
    }),
    dataModel: { company: 'Acme', people: [{ id: 'p1', name: 'Alice' }, { id: 'p2', name: 'Bob' }] },
  });

  const rows = () =>
    page.evaluate(() =>
      window.harness.els('person').map((el) => ({
        index: el.getAttribute('data-index'),
        texts: [...el.querySelectorAll('.a2-text')].filter((t) => t.closest('button') === null).map((t) => t.textContent),
      })),
    );

  test('one instance per item, relative paths read the item, absolute paths the root', async () => {
    await snapshot(listDoc());
    expect(await rows()).toEqual([
      { index: '0', texts: ['Alice', 'Acme'] },
      { index: '1', texts: ['Bob', 'Acme'] },
    ]);
  });

  test('the instances follow the array: add, edit one item, remove', async () => {
    await snapshot(listDoc());
    await mark();
    expect(await ops([{ op: 'add', path: '/dataModel/people/-', value: { id: 'p3', name: 'Carol' } }])).toBe(true);
    expect(await rows()).toEqual([
      { index: '0', texts: ['Alice', 'Acme'] },
      { index: '1', texts: ['Bob', 'Acme'] },
      { index: '2', texts: ['Carol', 'Acme'] },
    ]);
    // The existing instances were kept, only the new one's elements are new.
    expect((await unmarked()).every((key) => key.startsWith('person') || key.startsWith('greet'))).toBe(true);
    expect(await unmarked()).toContain('person#2');
    expect(await unmarked()).not.toContain('person#0');

    await observe();
    expect(await ops([{ op: 'replace', path: '/dataModel/people/1/name', value: 'Bobby' }])).toBe(true);
    const mutations = await observed();
    expect(mutations.length).toBe(1);
    expect(mutations[0]).toEqual(expect.objectContaining({ target: 'person-name', type: 'characterData' }));
    expect((await rows())[1]).toEqual({ index: '1', texts: ['Bobby', 'Acme'] });

    expect(await ops([{ op: 'remove', path: '/dataModel/people/0' }])).toBe(true);
    expect(await rows()).toEqual([
      { index: '0', texts: ['Bobby', 'Acme'] },
      { index: '1', texts: ['Carol', 'Acme'] },
    ]);

    expect(await ops([{ op: 'replace', path: '/dataModel/company', value: 'Initech' }])).toBe(true);
    expect((await rows()).map((r) => r.texts[1])).toEqual(['Initech', 'Initech']);
  });

  test('a Button inside a template sends its item-scoped context', async () => {
    await snapshot(listDoc());
    await page.click('[data-id="person"][data-index="1"] [data-id="person-greet"]');
    expect(await page.evaluate(() => window.harness.actions)).toEqual([
      { name: 'greet', payload: { who: 'Bob', id: 'p2', company: 'Acme', kind: 'person' }, componentId: 'person-greet' },
    ]);
  });

  test('a template whose array is replaced wholesale re-renders to the new items', async () => {
    await snapshot(listDoc());
    expect(await ops([{ op: 'replace', path: '/dataModel/people', value: [{ id: 'z', name: 'Zed' }] }])).toBe(true);
    expect(await rows()).toEqual([{ index: '0', texts: ['Zed', 'Acme'] }]);
  });
});

describe('two-way binding and actions', () => {
  const form: Doc = {
    components: components({
      root: { component: 'Column', children: ['email', 'agree', 'volume', 'colour', 'due', 'echo', 'agreed', 'send'] },
      email: {
        component: 'TextField',
        label: 'Email',
        value: { path: '/form/email' },
        checks: [{ condition: { call: 'email', args: { value: { path: '/form/email' } } }, message: 'Enter a valid email address' }],
      },
      agree: { component: 'CheckBox', label: 'I agree', value: { path: '/form/agree' } },
      volume: { component: 'Slider', max: 10, value: { path: '/form/volume' } },
      colour: {
        component: 'ChoicePicker',
        options: [
          { label: 'Red', value: 'red' },
          { label: 'Blue', value: 'blue' },
        ],
        value: { path: '/form/colour' },
      },
      due: { component: 'DateTimeInput', enableDate: true, value: { path: '/form/due' } },
      echo: { component: 'Text', text: { path: '/form/email' } },
      agreed: { component: 'Text', text: { path: '/form/agree' } },
      send: {
        component: 'Button',
        child: 'send-text',
        action: { event: { name: 'send', context: { to: { path: '/form/email' }, agree: { path: '/form/agree' }, volume: { path: '/form/volume' }, colour: { path: '/form/colour' }, subject: 'Hello' } } },
        checks: [
          {
            condition: { call: 'and', args: { values: [{ call: 'required', args: { value: { path: '/form/email' } } }, { path: '/form/agree' }] } },
            message: 'Fill in the form',
          },
        ],
      },
      'send-text': { component: 'Text', text: 'Send' },
    }),
    dataModel: { form: { email: '', agree: false, volume: 3, colour: [], due: '' } },
  };

  test('a TextField writes the local data model and updates what reads the same path', async () => {
    await snapshot(form);
    await page.fill('[data-id="email"] input', 'ada@example.com');
    expect(await page.evaluate(() => window.harness.view.dataModel)).toEqual(
      expect.objectContaining({ form: expect.objectContaining({ email: 'ada@example.com' }) }),
    );
    expect(await page.evaluate(() => window.harness.el('echo').textContent)).toBe('ada@example.com');
    expect(await page.evaluate(() => window.harness.dataChanges.at(-1))).toEqual({ pointer: '/form/email', value: 'ada@example.com' });
  });

  test('a CheckBox writes a boolean', async () => {
    await snapshot(form);
    await page.click('[data-id="agree"] input');
    expect(await page.evaluate(() => (window.harness.view.dataModel.form as Record<string, unknown>).agree)).toBe(true);
    expect(await page.evaluate(() => window.harness.el('agreed').textContent)).toBe('true');
    await page.click('[data-id="agree"] input');
    expect(await page.evaluate(() => (window.harness.view.dataModel.form as Record<string, unknown>).agree)).toBe(false);
  });

  test('a Slider writes a number, a ChoicePicker a list, a DateTimeInput an ISO date', async () => {
    await snapshot(form);
    await page.evaluate(() => {
      const range = window.harness.el('volume').querySelector('input')!;
      range.value = '8';
      range.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.click('[data-id="colour"] input[value="blue"]');
    await page.fill('[data-id="due"] input', '2025-03-04');
    const model = await page.evaluate(() => window.harness.view.dataModel.form as Record<string, unknown>);
    expect(model.volume).toBe(8);
    expect(model.colour).toEqual(['blue']);
    expect(model.due).toBe('2025-03-04');
  });

  test('the server overwrites a locally edited value', async () => {
    await snapshot(form);
    await page.fill('[data-id="email"] input', 'local@example.com');
    expect(await ops([{ op: 'replace', path: '/dataModel/form/email', value: 'server@example.com' }])).toBe(true);
    expect(await page.inputValue('[data-id="email"] input')).toBe('server@example.com');
    expect(await page.evaluate(() => window.harness.el('echo').textContent)).toBe('server@example.com');
  });

  test('checks: a failing input shows its message once touched; a Button is disabled until its checks pass', async () => {
    await snapshot(form);
    expect(await page.isDisabled('[data-id="send"]')).toBe(true);
    await page.fill('[data-id="email"] input', 'not-an-email');
    // Not while typing the first time: once the field is left.
    expect(await page.isHidden('[data-id="email"] .a2-field-error')).toBe(true);
    await page.locator('[data-id="email"] input').blur();
    expect(await page.textContent('[data-id="email"] .a2-field-error')).toBe('Enter a valid email address');
    expect(await page.getAttribute('[data-id="email"] input', 'aria-invalid')).toBe('true');
    await page.fill('[data-id="email"] input', 'ada@example.com');
    expect(await page.isHidden('[data-id="email"] .a2-field-error')).toBe(true);
    expect(await page.isDisabled('[data-id="send"]')).toBe(true); // not agreed yet
    await page.click('[data-id="agree"] input');
    expect(await page.isDisabled('[data-id="send"]')).toBe(false);
  });

  test('a Button click sends its action with the context resolved at the moment of the click', async () => {
    await snapshot(form);
    await page.fill('[data-id="email"] input', 'ada@example.com');
    await page.click('[data-id="agree"] input');
    await page.click('[data-id="colour"] input[value="red"]');
    await page.click('[data-id="send"]');
    expect(await page.evaluate(() => window.harness.actions)).toEqual([
      { name: 'send', payload: { to: 'ada@example.com', agree: true, volume: 3, colour: ['red'], subject: 'Hello' }, componentId: 'send' },
    ]);
  });

  test('a form: its button sends nothing while a field fails (each field shows why, the first takes the focus); Enter presses its button; a server verdict shows at once and leaves on an edit', async () => {
    const field = (checks: unknown[]) => ({ component: 'TextField', label: 'Name', value: { path: '/f/name' }, checks });
    const required = { condition: { call: 'required', args: { value: { path: '/f/name' } } }, message: 'Write a name.' };
    await snapshot({
      components: components({
        root: { component: 'Card', child: 'form' },
        form: { component: 'Column', children: ['name', 'save'] },
        name: field([required]),
        save: { component: 'Button', variant: 'primary', child: 'save-text', action: { event: { name: 'save', context: { name: { path: '/f/name' } } } } },
        'save-text': { component: 'Text', text: 'Save' },
      }),
      dataModel: { f: { name: '' } },
    });
    const before = await page.evaluate(() => window.harness.actions.length);
    expect(await page.isHidden('[data-id="name"] .a2-field-error')).toBe(true);
    await page.click('[data-id="save"]');
    expect(await page.evaluate(() => window.harness.actions.length)).toBe(before);
    expect(await page.textContent('[data-id="name"] .a2-field-error')).toBe('Write a name.');
    expect(await page.evaluate(() => document.activeElement === document.querySelector('[data-id="name"] input'))).toBe(true);

    await page.fill('[data-id="name"] input', 'Ada');
    await page.press('[data-id="name"] input', 'Enter');
    expect(await page.evaluate(() => window.harness.actions.at(-1))).toEqual({ name: 'save', payload: { name: 'Ada' }, componentId: 'save' });

    // The server refused it, and says why at the field (a check whose condition is false).
    expect(await ops([{ op: 'add', path: '/components/name/checks/1', value: { condition: false, message: 'That name is taken.' } }])).toBe(true);
    expect(await page.textContent('[data-id="name"] .a2-field-error')).toBe('That name is taken.');
    expect(await page.getAttribute('[data-id="name"] input', 'aria-invalid')).toBe('true');
    await page.fill('[data-id="name"] input', 'Ada L.');
    expect(await page.isHidden('[data-id="name"] .a2-field-error')).toBe(true);
  });

  test('an openUrl function action opens http(s) only', async () => {
    await snapshot({
      components: components({
        root: { component: 'Row', children: ['good', 'bad'] },
        good: { component: 'Button', child: 'good-text', action: { functionCall: { call: 'openUrl', args: { url: 'https://example.com/help' } } } },
        'good-text': { component: 'Text', text: 'Help' },
        bad: { component: 'Button', child: 'bad-text', action: { functionCall: { call: 'openUrl', args: { url: 'javascript:alert(1)' } } } },
        'bad-text': { component: 'Text', text: 'Bad' },
      }),
      dataModel: {},
    });
    await page.click('[data-id="good"]');
    await page.click('[data-id="bad"]');
    expect(await page.evaluate(() => window.harness.opened)).toEqual(['https://example.com/help']);
  });
});

describe('hostile data', () => {
  test('markup in text renders as text: no element is created', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    await snapshot({
      components: components({
        root: { component: 'Column', children: ['literal', 'bound', 'marked', 'field', 'tabs'] },
        literal: { component: 'Text', text: hostile },
        bound: { component: 'Text', text: { path: '/evil' } },
        marked: { component: 'Text', text: `**${hostile}**` },
        field: { component: 'TextField', label: hostile, value: { path: '/evil' } },
        tabs: { component: 'Tabs', tabs: [{ title: hostile, child: 'literal-2' }] },
        'literal-2': { component: 'Text', text: '<script>alert(2)</script>' },
      }),
      dataModel: { evil: hostile },
    });
    await page.waitForTimeout(100); // an injected image's error handler would have fired by now
    const result = await page.evaluate(() => ({
      imgs: document.querySelectorAll('#surface img').length,
      scripts: document.querySelectorAll('#surface script').length,
      literal: window.harness.el('literal').textContent,
      bound: window.harness.el('bound').textContent,
      marked: window.harness.el('marked').querySelector('strong')?.textContent,
      label: window.harness.el('field').querySelector('.a2-field-label-text')?.textContent,
      value: (window.harness.el('field').querySelector('input') as HTMLInputElement).value,
      tab: window.harness.el('tabs').querySelector('[role="tab"]')?.textContent,
    }));
    expect(result).toEqual({ imgs: 0, scripts: 0, literal: hostile, bound: hostile, marked: hostile, label: hostile, value: hostile, tab: hostile });
  });

  test('javascript: and data: media URLs are blocked; an http(s) URL later is allowed', async () => {
    await snapshot({
      components: components({
        root: { component: 'Column', children: ['img', 'video', 'audio'] },
        img: { component: 'Image', url: 'javascript:alert(1)' },
        video: { component: 'Video', url: { path: '/video' } },
        audio: { component: 'AudioPlayer', url: 'vbscript:msgbox(1)' },
      }),
      dataModel: { video: 'data:video/mp4;base64,AAAA' },
    });
    const blocked = await page.evaluate(() => ({
      img: [window.harness.el('img').getAttribute('src'), window.harness.el('img').getAttribute('data-blocked-url')],
      video: [window.harness.el('video').getAttribute('src'), window.harness.el('video').getAttribute('data-blocked-url')],
      audio: [window.harness.el('audio').querySelector('audio')!.getAttribute('src'), window.harness.el('audio').querySelector('audio')!.getAttribute('data-blocked-url')],
    }));
    expect(blocked).toEqual({
      img: [null, 'javascript:alert(1)'],
      video: [null, 'data:video/mp4;base64,AAAA'],
      audio: [null, 'vbscript:msgbox(1)'],
    });
    expect(await ops([{ op: 'replace', path: '/components/img/url', value: 'https://example.com/ok.png' }])).toBe(true);
    expect(await page.evaluate(() => [window.harness.el('img').getAttribute('src'), window.harness.el('img').getAttribute('data-blocked-url')])).toEqual([
      'https://example.com/ok.png',
      null,
    ]);
  });

  test('prototype keys in the document neither pollute nor crash', async () => {
    await snapshot(fourTexts());
    const polluted = await page.evaluate(() => {
      const original = console.warn;
      console.warn = () => {};
      try {
        window.harness.ops([{ op: 'add', path: '/dataModel/__proto__/polluted', value: true }]);
        window.harness.view.setData('/__proto__/polluted', true);
        window.harness.view.setData('/constructor/prototype/polluted', true);
      } finally {
        console.warn = original;
      }
      return ({} as Record<string, unknown>).polluted;
    });
    expect(polluted).toBeUndefined();
  });
});
