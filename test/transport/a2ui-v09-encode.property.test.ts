/**
 * Property tests of the v0.9 encoder (diff/a2ui-v09.ts) over the diff engine's random surfaces and
 * edit sequences (generators.ts): folding the messages the way a v0.9 client does gives the surface.
 *
 * The fold uses the official client's own `DataModel` (`@a2ui/web_core/v0_9`), so its semantics are
 * the ones under test: a delete leaves a hole in an array, `constructor` and `__proto__` are refused
 * in paths, empty keys are dropped by its path parser. Components are upserted whole by id, as its
 * MessageProcessor does (the random components are not basic-catalog valid, so the processor itself
 * would refuse them; test/a2ui-v09 feeds it the product's real ones).
 */
import { DataModel } from '@a2ui/web_core/v0_9';
import fc from 'fast-check';
import { diff, jsonEqual, type DiffSurface, type Operation } from '../../diff';
import { encodeChange, encodeReset, encodeSync, type A2uiV09Message } from '../../server/transport/a2ui-v09';
import { CATALOG_ID, encodable, SURFACE_ID, withoutTree } from '../diff/fixtures';
import { applyEdit, editArb, randomStart, toSurface } from '../diff/generators';

/** What a v0.9 client holds for one surface. */
class Client {
  components = new Map<string, Record<string, unknown>>();
  data = new DataModel({});
  created = false;

  /** Messages travel as JSON: the client never shares objects with the server. */
  fold(messages: readonly A2uiV09Message[]): void {
    for (const message of JSON.parse(JSON.stringify(messages)) as A2uiV09Message[]) {
      expect(message.version).toBe('v0.9');
      if ('createSurface' in message) {
        if (this.created) throw new Error('createSurface for a surface that exists');
        expect(message.createSurface).toEqual({ surfaceId: SURFACE_ID, catalogId: CATALOG_ID });
        this.created = true;
      } else if ('deleteSurface' in message) {
        this.created = false;
        this.components = new Map();
        this.data = new DataModel({});
      } else {
        if (!this.created) throw new Error('update before createSurface');
        if ('updateComponents' in message) {
          expect(message.updateComponents.components.length).toBeGreaterThan(0);
          for (const c of message.updateComponents.components as Record<string, unknown>[]) this.components.set(c.id as string, c);
        } else {
          this.data.set(message.updateDataModel.path, message.updateDataModel.value);
        }
      }
    }
  }

  /** Holds exactly what the surface shows: the components reachable from root, and the data model. */
  expectToShow(surface: DiffSurface): void {
    expect(reachable((id) => this.components.get(id))).toStrictEqual(reachable((id) => surface.components[id] as Record<string, unknown> | undefined));
    const data = this.data.get('/');
    // toEqual, not toStrictEqual: the latter compares `constructor` properties, which are data keys here.
    expect(data).toEqual(surface.dataModel);
    expect(holes(data)).toEqual([]); // toEqual alone would take an array hole for a missing item
  }
}

/** Pointers of undefined values and array holes (what a delete inside an array would leave). */
function holes(value: unknown, at = ''): string[] {
  if (value === undefined) return [at];
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => (i in value ? holes(value[i], `${at}/${i}`) : [`${at}/${i}`])).flat();
  return Object.keys(value).flatMap((k) => holes((value as Record<string, unknown>)[k], `${at}/${k}`));
}

/** The components reachable from `root` through child references, by id. */
function reachable(get: (id: string) => Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const stack = ['root'];
  while (stack.length) {
    const id = stack.pop()!;
    if (Object.hasOwn(out, id)) continue;
    const component = get(id);
    out[id] = component;
    if (!component) continue;
    if (Array.isArray(component.children)) stack.push(...(component.children as string[]));
    if (typeof component.child === 'string') stack.push(component.child);
  }
  return out;
}

/** A random start and the surfaces after each of a random list of edits. */
const historyArb = fc
  .tuple(fc.integer(), fc.array(editArb, { minLength: 1, maxLength: 20 }), fc.boolean())
  .map(([seed, edits, useTrees]) => {
    let state = randomStart(seed);
    const surfaces = [toSurface(state)];
    for (const e of edits) {
      state = applyEdit(state, e);
      surfaces.push(toSurface(state));
    }
    // Without trees, the diff walks the flat maps instead: the encoder must not care.
    return useTrees ? surfaces : surfaces.map(withoutTree);
  });

describe('A2UI v0.9 encoding properties', () => {
  test('folding the sync and then each change gives every surface of the sequence', () => {
    fc.assert(
      fc.property(historyArb, (surfaces) => {
        const client = new Client();
        client.fold(encodeSync(encodable(surfaces[0]!)));
        client.expectToShow(surfaces[0]!);
        for (let i = 1; i < surfaces.length; i++) {
          client.fold(encodeChange(encodable(surfaces[i]!), diff(surfaces[i - 1]!, surfaces[i]!)));
          client.expectToShow(surfaces[i]!);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('the concatenated ops of several changes encode a catch-up to the last surface', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), (surfaces, at) => {
        const held = at % surfaces.length;
        const client = new Client();
        client.fold(encodeSync(encodable(surfaces[held]!)));
        const missed: Operation[] = [];
        for (let i = held + 1; i < surfaces.length; i++) missed.push(...diff(surfaces[i - 1]!, surfaces[i]!));
        const last = surfaces[surfaces.length - 1]!;
        client.fold(encodeChange(encodable(last), missed));
        client.expectToShow(last);
      }),
      { numRuns: 300 },
    );
  });

  test('a change sends only added or changed components, and no data path inside another', () => {
    fc.assert(
      fc.property(historyArb, (surfaces) => {
        for (let i = 1; i < surfaces.length; i++) {
          const prev = surfaces[i - 1]!;
          const next = surfaces[i]!;
          const messages = encodeChange(encodable(next), diff(prev, next));
          const updates = messages.filter((m) => 'updateComponents' in m);
          expect(updates.length).toBeLessThanOrEqual(1);
          const sent = updates.flatMap((m) => ('updateComponents' in m ? m.updateComponents.components : [])) as Record<string, unknown>[];
          for (const component of sent) {
            const id = component.id as string;
            expect(next.components[id]).toBe(component);
            const before = Object.hasOwn(prev.components, id) ? prev.components[id] : undefined;
            expect(before !== undefined && jsonEqual(before, component)).toBe(false);
          }
          const paths = messages.flatMap((m) => ('updateDataModel' in m ? [m.updateDataModel.path] : []));
          for (const p of paths) expect(paths.filter((q) => q === '/' || p.startsWith(`${q}/`)).filter((q) => q !== p)).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('nothing changed: no message', () => {
    fc.assert(
      fc.property(historyArb, (surfaces) => {
        for (const s of surfaces) expect(encodeChange(encodable(s), diff(s, s))).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  test('a reset brings a client holding any surface to another', () => {
    fc.assert(
      fc.property(historyArb, historyArb, (a, b) => {
        const client = new Client();
        client.fold(encodeSync(encodable(a[a.length - 1]!)));
        const target = b[b.length - 1]!;
        client.fold(encodeReset(encodable(target)));
        client.expectToShow(target);
        expect(client.components.size).toBe(Object.keys(target.components).length);
      }),
      { numRuns: 100 },
    );
  });
});
