/**
 * Browser harness for the surface view tests: exposes one SurfaceView on `window.harness`, with the
 * callbacks recorded and a MutationObserver that reports which rendered components a change touched.
 * Bundled by surface-view.browser.test.ts with esbuild; no server, no socket.
 */
import { SurfaceView } from '../../../client-demo/src/surface-view';
import type { Operation } from 'fast-json-patch';

export interface RecordedAction {
  name: string;
  payload: Record<string, unknown>;
  componentId: string;
}

/** One MutationRecord, named by the rendered component it happened in. */
export interface RecordedMutation {
  type: MutationRecordType;
  /** `data-id` of the element the mutation targets (or of the text node's parent element). */
  target: string | null;
  targetIsText: boolean;
  attribute: string | null;
  added: Array<string | null>;
  removed: Array<string | null>;
}

function idOf(node: Node | null): string | null {
  const el = node instanceof Element ? node : node?.parentElement ?? null;
  return el?.closest('[data-id]')?.getAttribute('data-id') ?? null;
}

const container = document.getElementById('surface')!;
const actions: RecordedAction[] = [];
const dataChanges: Array<{ pointer: string; value: unknown }> = [];
const opened: string[] = [];
let view = create();
let observer: MutationObserver | null = null;
const pending: MutationRecord[] = [];

function create(): SurfaceView {
  return new SurfaceView(container, {
    onAction: (name, payload, componentId) => void actions.push({ name, payload, componentId }),
    onDataChange: (pointer, value) => dataChanges.push({ pointer, value }),
    openUrl: (url) => opened.push(url),
  });
}

const harness = {
  actions,
  dataChanges,
  opened,
  get view() {
    return view;
  },
  reset() {
    view.destroy();
    actions.length = 0;
    dataChanges.length = 0;
    opened.length = 0;
    view = create();
  },
  snapshot(doc: unknown) {
    view.applySnapshot(doc);
  },
  ops(ops: Operation[]) {
    return view.applyOps(ops);
  },
  /** Elements by component id (all template instances). */
  els(id: string): HTMLElement[] {
    return view.elementsOf(id);
  },
  el(id: string): HTMLElement {
    const [el] = view.elementsOf(id);
    if (!el) throw new Error(`no element for ${id}`);
    return el;
  },
  /** Tags every rendered element with a property: a re-created element would lose it. */
  mark() {
    for (const el of container.querySelectorAll<HTMLElement>('[data-id]')) {
      (el as HTMLElement & { __mark?: string }).__mark = `${el.dataset.id}#${el.dataset.index ?? ''}`;
    }
  },
  /** Ids (with index) of rendered elements whose mark is missing or wrong: re-created ones. */
  unmarked(): string[] {
    return [...container.querySelectorAll<HTMLElement>('[data-id]')]
      .filter((el) => (el as HTMLElement & { __mark?: string }).__mark !== `${el.dataset.id}#${el.dataset.index ?? ''}`)
      .map((el) => `${el.dataset.id}#${el.dataset.index ?? ''}`);
  },
  observe() {
    observer?.disconnect();
    pending.length = 0;
    // Records are delivered to the callback between page.evaluate calls: keep them until asked for.
    observer = new MutationObserver((records) => pending.push(...records));
    observer.observe(container, { subtree: true, childList: true, attributes: true, characterData: true });
  },
  /** The mutations since observe(), described by component id. */
  mutations(): RecordedMutation[] {
    const records = [...pending.splice(0), ...(observer?.takeRecords() ?? [])];
    return records.map((record) => ({
      type: record.type,
      target: idOf(record.target),
      targetIsText: record.target.nodeType === Node.TEXT_NODE,
      attribute: record.attributeName,
      added: [...record.addedNodes].map((node) => (node instanceof Element ? node.getAttribute('data-id') : '#text')),
      removed: [...record.removedNodes].map((node) => (node instanceof Element ? node.getAttribute('data-id') : '#text')),
    }));
  },
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}

window.harness = harness;
