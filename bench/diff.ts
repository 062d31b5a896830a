/**
 * `npm run bench:diff`: how fast and how small our diff is against two generic JSON diffs.
 *
 * The surface is what the product renders, at the size the design targets: about 10,000 components,
 * built with the renderer's builders and `buildSurface`. An inbox list (`inbox-list`) of 1,000 rows of
 * 6 components each (a Row of three Texts and a labelled Button), a sidebar of 100 Cards of 41
 * components each (a Column of Texts, Rows, Buttons and one nested Card), and a data model of about 450
 * keys with keyed arrays. Rows and cards are memoised by key (`keyedMemo`, the row's data object as
 * input), so an unchanged row is the identical UiNode, as in the product.
 *
 * Cases (prev → next):
 *   leaf_change          one Text of one row changes (memoised: only that row is rebuilt)
 *   list_insert_front    one new row at the front of the list (memoised)
 *   list_move            row 900 moved to position 100 (memoised)
 *   random_edits_1pct    1% of the components get a prop edit, seeded (memoised)
 *   fresh_full_rerender  one Text changes, but both surfaces are built from scratch from deep copies
 *                        of the state: no object is shared, every component must be compared
 *   data_list_move       the list_move of a 1,000-item keyed array of objects in the data model
 *                        (5 fields each): index diffs rewrite every shifted item, a keyed diff moves one
 *
 * Implementations, all on the same prev/next in the same run:
 *   ours             diff(prev, next) from diff/ (walks the renderer's trees, keyed children)
 *   fast-json-patch  compare(docPrev, docNext), doc = {components, dataModel}
 *   jsondiffpatch    diff with objectHash (an object's id) and move detection, formatted as JSON Patch
 *
 * Output: one JSON line per (case, impl) on stdout:
 *   median_us, p90_us   time of one diff call, in microseconds, after warm-up
 *   ops, bytes          number of ops and JSON.stringify(ops).length
 *   list_ops, list_bytes  the part of those ops addressed into /components/inbox-list (children ops)
 *   applies             fast-json-patch applyPatch (validating) of the ops on a copy of docPrev gives
 *                       exactly docNext; false makes the process exit 1 at the end
 * stderr gets the surface size and a check of the goals of the issue. Timings are wall clock on a
 * shared machine, in one process (later cases run with the JIT feedback and heap the earlier ones
 * left): run it two or three times before trusting a difference of less than ~20%.
 */
import { isDeepStrictEqual } from 'node:util';
import { applyPatch, compare, deepClone, type Operation } from 'fast-json-patch';
import { diff, toDocument, type SurfaceDocument } from '../diff';
import {
  buildSurface,
  column,
  card,
  event,
  keyedMemo,
  labelButton,
  list,
  memo,
  row,
  text,
  type AccessibilityAttributes,
  type Surface,
  type UiNode,
} from '../renderer';
import { rng } from '../test/diff/generators';

// ---------------------------------------------------------------------------------------------
// State: what the views render. Immutable: a change makes new objects along its path only.
// ---------------------------------------------------------------------------------------------

/** Per-component overrides (component id → value), how a case edits any component's props. */
type Edits = Readonly<Record<string, string>>;

interface Email {
  readonly id: string;
  readonly from: string;
  readonly subject: string;
  readonly date: string;
  readonly edits?: Edits;
}

interface Widget {
  readonly id: string;
  readonly title: string;
  readonly edits?: Edits;
}

interface AppState {
  readonly emails: readonly Email[];
  readonly widgets: readonly Widget[];
  readonly dataModel: Readonly<Record<string, unknown>>;
}

const ROWS = 1000;
const CARDS = 100;

function email(i: number): Email {
  return { id: `m${1000 + i}`, from: `sender${i % 37}@example.com`, subject: `Subject of message ${i}`, date: `2025-06-${(i % 28) + 1}` };
}

function initialState(): AppState {
  return {
    emails: Array.from({ length: ROWS }, (_, i) => email(i)),
    widgets: Array.from({ length: CARDS }, (_, i) => ({ id: `w${i}`, title: `Widget ${i}` })),
    dataModel: initialDataModel(),
  };
}

/** About 450 keys: a settings map, nested session data and keyed arrays of objects with `id`. */
function initialDataModel(): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (let i = 0; i < 200; i++) settings[`pref_${i}`] = i % 3 === 0 ? i % 2 === 0 : i % 3 === 1 ? i : `value ${i}`;
  return {
    session: { user: { name: 'Ada', email: 'ada@example.com' }, route: '/email/inbox', timezone: 'UTC' },
    settings,
    mail: {
      folders: Array.from({ length: 20 }, (_, i) => ({ id: `f${i}`, name: `Folder ${i}`, unread: i * 3 })),
      labels: Array.from({ length: 30 }, (_, i) => ({ id: `l${i}`, name: `Label ${i}`, color: `#${(i * 4111).toString(16).padStart(6, '0')}` })),
      draft: { to: '', subject: '', body: '' },
    },
    agents: Array.from({ length: 20 }, (_, i) => ({ id: `a${i}`, name: `Agent ${i}`, status: 'idle', progress: 0 })),
  };
}

// ---------------------------------------------------------------------------------------------
// Views: the renderer's builders, memoised the way the product does it.
// ---------------------------------------------------------------------------------------------

/** A Text's text is its override when there is one. */
function textOf(edits: Edits | undefined, id: string, base: string): string {
  return edits?.[id] ?? base;
}

/** Any other component's edit is an accessibility label (a prop every component has). */
function a11y(edits: Edits | undefined, id: string): AccessibilityAttributes | undefined {
  const label = edits?.[id];
  return label === undefined ? undefined : { label };
}

function emailRow(e: Email): UiNode {
  const id = `row-${e.id}`;
  const t = (suffix: string, base: string, variant?: 'h4' | 'caption'): UiNode =>
    text(`${id}-${suffix}`, { text: textOf(e.edits, `${id}-${suffix}`, base), variant });
  const open = `${id}-open`;
  return row(id, {
    accessibility: a11y(e.edits, id),
    children: [
      t('from', e.from, 'h4'),
      t('subject', e.subject),
      t('date', e.date, 'caption'),
      labelButton(open, textOf(e.edits, `${open}.label`, 'Open'), event('open_thread', { email_id: e.id }), {
        accessibility: a11y(e.edits, open),
      }),
    ],
  });
}

/** 41 components: Card > Column > [title, 4 Rows of 3 Texts + Button, a nested Card of 8 Texts, 2 Buttons]. */
function widgetCard(w: Widget): UiNode {
  const id = `card-${w.id}`;
  const t = (textId: string, base: string): UiNode => text(textId, { text: textOf(w.edits, textId, base) });
  const button = (buttonId: string, label: string): UiNode =>
    labelButton(buttonId, textOf(w.edits, `${buttonId}.label`, label), event('widget_action', { widget_id: w.id, button: buttonId }), {
      accessibility: a11y(w.edits, buttonId),
    });
  const section = (k: number): UiNode => {
    const sectionId = `${id}-s${k}`;
    return row(sectionId, {
      accessibility: a11y(w.edits, sectionId),
      children: [t(`${sectionId}-a`, `${w.title} metric ${k}`), t(`${sectionId}-b`, `${k * 7}`), t(`${sectionId}-c`, 'units'), button(`${sectionId}-go`, 'Details')],
    });
  };
  const detailLines = Array.from({ length: 8 }, (_, k) => t(`${id}-detail-${k}`, `${w.title} detail line ${k}`));
  const detail = card(`${id}-detail`, {
    accessibility: a11y(w.edits, `${id}-detail`),
    child: column(`${id}-detail-body`, { accessibility: a11y(w.edits, `${id}-detail-body`), children: detailLines }),
  });
  return card(id, {
    accessibility: a11y(w.edits, id),
    child: column(`${id}-body`, {
      accessibility: a11y(w.edits, `${id}-body`),
      children: [t(`${id}-title`, w.title), section(0), section(1), section(2), section(3), detail, button(`${id}-ok`, 'OK'), button(`${id}-dismiss`, 'Dismiss')],
    }),
  });
}

/** A fresh view (its own memo caches): call it once per render with the new state. */
function makeView(): (state: AppState) => Surface {
  const rowOf = keyedMemo((_key: string, e: Email) => emailRow(e));
  const cardOf = keyedMemo((_key: string, w: Widget) => widgetCard(w));
  const inbox = memo((emails: readonly Email[]) => {
    const rows = emails.map((e) => rowOf(e.id, e));
    rowOf.sweep();
    return list('inbox-list', { children: rows });
  });
  const sidebar = memo((widgets: readonly Widget[]) => {
    const cards = widgets.map((w) => cardOf(w.id, w));
    cardOf.sweep();
    return column('sidebar', { children: cards });
  });
  return (state) => {
    const root = column('root', {
      children: [text('app-title', { text: 'Inbox', variant: 'h1' }), row('body', { children: [sidebar(state.widgets), inbox(state.emails)] })],
    });
    return buildSurface({ surfaceId: 'main', root, dataModel: state.dataModel as Record<string, unknown> });
  };
}

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

interface Case {
  name: string;
  prev: Surface;
  next: Surface;
}

function withSubjectChanged(state: AppState, index: number): AppState {
  const emails = state.emails.slice();
  emails[index] = { ...emails[index]!, subject: `Re: ${emails[index]!.subject}` };
  return { ...state, emails };
}

function withFrontInsert(state: AppState): AppState {
  return { ...state, emails: [email(ROWS), ...state.emails] };
}

function withMove(state: AppState, from: number, to: number): AppState {
  const emails = state.emails.slice();
  const [moved] = emails.splice(from, 1);
  emails.splice(to, 0, moved!);
  return { ...state, emails };
}

/** Edits `count` distinct components, chosen at random among those a row or a card owns. */
function withRandomEdits(state: AppState, componentIds: readonly string[], count: number, seed: number): AppState {
  const random = rng(seed); // seeded: the same components are edited on every run
  const owned = componentIds.filter((id) => id.startsWith('row-') || id.startsWith('card-'));
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(owned[Math.floor(random() * owned.length)]!);
  // Owner key: `row-m1042-open.label` → m1042, `card-w7-s2-a` → w7.
  const editsByOwner = new Map<string, Record<string, string>>();
  for (const id of chosen) {
    const owner = id.split('-')[1]!;
    const edits = editsByOwner.get(owner) ?? {};
    edits[id] = `edited ${id}`;
    editsByOwner.set(owner, edits);
  }
  const edit = <T extends { id: string; edits?: Edits }>(items: readonly T[]): readonly T[] =>
    items.map((item) => {
      const edits = editsByOwner.get(item.id);
      return edits === undefined ? item : { ...item, edits: { ...item.edits, ...edits } };
    });
  return { ...state, emails: edit(state.emails), widgets: edit(state.widgets) };
}

function buildCases(): { cases: Case[]; componentCount: number } {
  const state = initialState();
  const view = makeView();
  const base = view(state);
  const componentIds = Object.keys(base.components);
  // Each memoised case renders prev and next with the same view, as consecutive renders would.
  const memoised = (name: string, change: (s: AppState) => AppState): Case => {
    const v = makeView();
    const prev = v(state);
    return { name, prev, next: v(change(state)) };
  };
  const fresh = (name: string, change: (s: AppState) => AppState): Case => ({
    name,
    prev: makeView()(structuredClone(state)),
    next: makeView()(structuredClone(change(state))),
  });
  // The same move in a list of objects in the data model (a keyed array: 1,000 items with 5 fields).
  // Index-based diffs rewrite every field of every shifted item; the keyed diff moves one item.
  const withInboxData = (s: AppState): AppState => ({
    ...s,
    dataModel: { ...s.dataModel, inbox: s.emails.map((e, i) => ({ id: e.id, from: e.from, subject: e.subject, date: e.date, unread: i % 3 === 0 })) },
  });
  const dataMove = (s: AppState): AppState => {
    const inbox = [...(s.dataModel.inbox as unknown[])];
    const [moved] = inbox.splice(900, 1);
    inbox.splice(100, 0, moved);
    return { ...s, dataModel: { ...s.dataModel, inbox } };
  };
  const withData = withInboxData(state);
  const dataView = makeView();
  const cases = [
    memoised('leaf_change', (s) => withSubjectChanged(s, 500)),
    memoised('list_insert_front', withFrontInsert),
    memoised('list_move', (s) => withMove(s, 900, 100)),
    memoised('random_edits_1pct', (s) => withRandomEdits(s, componentIds, Math.round(componentIds.length / 100), 42)),
    fresh('fresh_full_rerender', (s) => withSubjectChanged(s, 500)),
    { name: 'data_list_move', prev: dataView(withData), next: dataView(dataMove(withData)) },
  ];
  return { cases, componentCount: componentIds.length };
}

// ---------------------------------------------------------------------------------------------
// Implementations
// ---------------------------------------------------------------------------------------------

interface Impl {
  name: string;
  run: (c: Case, prevDoc: SurfaceDocument, nextDoc: SurfaceDocument) => Operation[];
}

async function implementations(): Promise<Impl[]> {
  // jsondiffpatch is ESM-only; a dynamic import works whether tsx runs this file as CJS or ESM.
  const { create } = await import('jsondiffpatch');
  const { format } = await import('jsondiffpatch/formatters/jsonpatch');
  const differ = create({
    // Components and keyed data items by id, other objects by content, strings (children ids) by
    // themselves (jsondiffpatch matches those by === before it asks, but the hash would be the same).
    objectHash: (item: object) => {
      if (typeof item === 'string') return item;
      const id = (item as { id?: unknown }).id;
      return typeof id === 'string' || typeof id === 'number' ? String(id) : JSON.stringify(item);
    },
    arrays: { detectMove: true },
  });
  return [
    { name: 'ours', run: (c) => diff(c.prev, c.next) },
    { name: 'fast-json-patch', run: (_c, prevDoc, nextDoc) => compare(prevDoc, nextDoc) },
    {
      name: 'jsondiffpatch',
      run: (_c, prevDoc, nextDoc) => {
        const delta = differ.diff(prevDoc, nextDoc);
        return delta === undefined ? [] : (format(delta) as Operation[]);
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

const WARMUP_MS = 300;
const MIN_ITERATIONS = 50;
const MIN_MS = 1000;
const MAX_MS = 6000;
const MAX_SAMPLES = 200_000;

/** Keeps results alive so that no call can be optimised away. */
let sink = 0;

/** Median and p90 of single-call times, in microseconds. */
function time(run: () => Operation[]): { median: number; p90: number } {
  const warmupEnd = performance.now() + WARMUP_MS;
  for (let i = 0; i < 10 || performance.now() < warmupEnd; i++) sink += run().length;
  const samples: number[] = [];
  const start = performance.now();
  for (;;) {
    const t0 = process.hrtime.bigint();
    sink += run().length;
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    const elapsed = performance.now() - start;
    if (samples.length >= MAX_SAMPLES) break;
    if (samples.length >= MIN_ITERATIONS && elapsed >= MIN_MS) break;
    if (samples.length >= 10 && elapsed >= MAX_MS) break;
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { median: round(at(0.5)), p90: round(at(0.9)) };
}

function round(us: number): number {
  return Math.round(us * 10) / 10;
}

/** What the client holds: plain JSON (no undefined, no shared objects). */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The ops, applied by fast-json-patch (as the client does, plus its validation of each op) to a copy
 * of prev's document, give next's exactly.
 */
function applies(prevDoc: SurfaceDocument, nextDoc: SurfaceDocument, ops: Operation[]): boolean {
  try {
    const result = applyPatch(deepClone(prevDoc), deepClone(ops), true, true).newDocument;
    return isDeepStrictEqual(jsonCopy(result), jsonCopy(nextDoc));
  } catch {
    return false;
  }
}

interface Result {
  case: string;
  impl: string;
  median_us: number;
  p90_us: number;
  ops: number;
  bytes: number;
  list_ops: number;
  list_bytes: number;
  applies: boolean;
}

function measure(c: Case, impl: Impl): Result {
  const prevDoc = toDocument(c.prev);
  const nextDoc = toDocument(c.next);
  const ops = impl.run(c, prevDoc, nextDoc);
  const listOps = ops.filter((op) => op.path.startsWith('/components/inbox-list/'));
  const { median, p90 } = time(() => impl.run(c, prevDoc, nextDoc));
  return {
    case: c.name,
    impl: impl.name,
    median_us: median,
    p90_us: p90,
    ops: ops.length,
    bytes: JSON.stringify(ops).length,
    list_ops: listOps.length,
    list_bytes: JSON.stringify(listOps).length,
    applies: applies(prevDoc, nextDoc, ops),
  };
}

// ---------------------------------------------------------------------------------------------
// Goals of the issue, checked on this run's figures
// ---------------------------------------------------------------------------------------------

function goals(results: Result[]): string[] {
  const get = (name: string, impl: string): Result => results.find((r) => r.case === name && r.impl === impl)!;
  const line = (ok: boolean, text: string): string => `${ok ? 'met   ' : 'MISSED'} ${text}`;
  const out: string[] = [];
  const fresh = get('fresh_full_rerender', 'ours');
  const freshFjp = get('fresh_full_rerender', 'fast-json-patch');
  const speedup = freshFjp.median_us / fresh.median_us;
  out.push(line(fresh.median_us <= 1500, `fresh_full_rerender median ${fresh.median_us} us <= 1500 us`));
  out.push(line(speedup >= 3, `fresh_full_rerender ${speedup.toFixed(1)}x faster than fast-json-patch (>= 3x)`));
  const leaf = get('leaf_change', 'ours');
  out.push(line(leaf.median_us <= 20, `leaf_change median ${leaf.median_us} us <= 20 us`));
  for (const name of ['list_insert_front', 'list_move']) {
    const ours = get(name, 'ours');
    const theirs = get(name, 'fast-json-patch');
    out.push(line(ours.median_us <= 300, `${name} median ${ours.median_us} us <= 300 us`));
    out.push(line(ours.list_ops === 1, `${name} ${ours.list_ops} children op(s) == 1 (${ours.ops} ops in all)`));
    out.push(line(ours.list_bytes <= 400, `${name} children op ${ours.list_bytes} B <= 400 B`));
    // A new row's components are added whole by every implementation: the ratio is given both ways.
    const all = theirs.bytes / ours.bytes;
    const children = theirs.list_bytes / ours.list_bytes;
    out.push(line(all >= 1000, `${name} ${Math.round(all)}x fewer bytes than fast-json-patch, all ops (${ours.bytes} B vs ${theirs.bytes} B) (>= 1000x)`));
    out.push(line(children >= 1000, `${name} ${Math.round(children)}x fewer bytes than fast-json-patch, children ops only (${ours.list_bytes} B vs ${theirs.list_bytes} B) (>= 1000x)`));
  }
  const dataMove = get('data_list_move', 'ours');
  const dataMoveFjp = get('data_list_move', 'fast-json-patch');
  out.push(
    line(
      dataMove.ops === 1 && dataMoveFjp.bytes / dataMove.bytes >= 1000,
      `data_list_move ${dataMove.ops} op, ${dataMove.bytes} B: ${Math.round(dataMoveFjp.bytes / dataMove.bytes)}x fewer bytes than fast-json-patch (${dataMoveFjp.ops} ops, ${dataMoveFjp.bytes} B) (>= 1000x)`,
    ),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { cases, componentCount } = buildCases();
  const impls = await implementations();
  console.error(`surface: ${componentCount} components`);
  const results: Result[] = [];
  for (const c of cases) {
    for (const impl of impls) {
      const result = measure(c, impl);
      results.push(result);
      console.log(JSON.stringify(result));
    }
  }
  for (const g of goals(results)) console.error(g);
  if (sink < 0) console.error(sink); // never true: keeps `sink` observable
  if (results.some((r) => !r.applies)) {
    console.error('some patches do not apply (see "applies": false above)');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
