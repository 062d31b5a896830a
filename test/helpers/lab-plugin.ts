/**
 * A plugin for tests of the orchestrator itself (route `/lab`): it counts, throws, hangs, renders
 * badly and updates in the background on demand.
 */
import { z } from 'zod';
import { bind, column, event, keyedMemo, labelButton, text, textField } from '../../renderer';
import { defineModule } from '../../agents/module';
import { actionsOf, type Plugin } from '../../agents/types';

export interface LabState {
  count: number;
  items: string[];
  brokenView: boolean;
}

/** The count a `lab-count` text shows (`Count: 3` → 3; NaN for anything else). */
export function labCount(text: string | undefined): number {
  return Number(/^Count: (-?\d+)$/.exec(text ?? '')?.[1]);
}

export function labPlugin(): Plugin<LabState> {
  const action = actionsOf<LabState>();
  return {
    id: 'lab',
    title: 'Lab',
    routes: [{ state: 'LAB', path: '/lab' }],
    actions: {
      bump: action(z.object({ by: z.number().int().optional() }), ({ state, payload }) => ({ state: { ...state, count: state.count + (payload.by ?? 1) } })),
      add_item: action(z.object({ name: z.string().max(100) }), ({ state, payload }) => ({
        state: { ...state, items: [...state.items, payload.name] },
        sideEffects: [{ type: 'toast', variant: 'success', message: `Added ${payload.name}` }],
      })),
      boom: action(z.object({}), () => {
        throw new Error('the lab exploded');
      }),
      hang: action(z.object({}), async ({ state, signal }) => {
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        return { state: { ...state, count: -1 } };
      }),
      break_view: action(z.object({}), ({ state }) => ({ state: { ...state, brokenView: true } })),
      background: action(z.object({ times: z.number().int().min(1).max(500), size: z.number().int().min(0).max(200_000).optional() }), ({ payload, host }) => {
        const size = payload.size ?? 0;
        setTimeout(() => {
          for (let i = 0; i < payload.times; i++) {
            void host.update((s) => ({ ...s, count: s.count + 1, items: size ? [`${i}:${'x'.repeat(size)}`] : s.items }));
          }
        }, 10);
        return {};
      }),
      go_home: action(z.object({}), () => ({ sideEffects: [{ type: 'navigate', to: '/' }] })),
      /** A toast about the page it moves to (as Send's "Sent" with the move back to the inbox). */
      go_home_saying: action(z.object({ message: z.string().max(100) }), ({ payload }) => ({
        sideEffects: [
          { type: 'toast', variant: 'error', message: payload.message },
          { type: 'navigate', to: '/' },
        ],
      })),
    },
    init: () => ({ count: 0, items: [], brokenView: false }),
    createView() {
      // Item ids come from the text, made id-safe; the text itself is shown as typed (hostile or not).
      const item = keyedMemo((key: string, name: string) => text(`lab-item-${key}`, { text: name }));
      return (state) => {
        if (state.brokenView) throw new Error('view cannot render');
        const items = state.items.map((name, i) => item(`${i}-${name.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 50)}`, name));
        item.sweep();
        return {
          root: column('lab', {
            children: [
              text('lab-count', { text: `Count: ${state.count}` }),
              labelButton('lab-bump', 'Bump', event('bump', {})),
              textField('lab-draft', { label: 'Item', value: bind('/lab/draft') }),
              labelButton('lab-add', 'Add', event('add_item', { name: bind('/lab/draft') })),
              labelButton('lab-boom', 'Explode', event('boom', {})),
              labelButton('lab-hang', 'Hang', event('hang', {})),
              column('lab-items', { children: items }),
            ],
          }),
          data: { count: state.count, draft: '' },
        };
      };
    },
  };
}

/** The lab as a module: one plugin, no services. */
export const labModule = defineModule<null>({ id: 'lab', open: () => null, plugins: () => [labPlugin()] });
