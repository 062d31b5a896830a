/**
 * Actions go to `POST /api/a2ui/v0.9/action` as the renderer dispatches them (`{version, action}`).
 * The answer's messages are not applied here: the stream carries every change in order, this one
 * included. The answer is read for what only the acting page should do: its side effects (a history
 * entry for a navigation, a URL to open) and a failure to report.
 */
import type { A2uiV09Answer } from '../../server/transport/a2ui-v09/protocol';
import type { SideEffect } from '../../server/transport/protocol';
import { postJson } from '../src/http';
import { isObject } from '../src/values';

export const ACTION_URL = '/api/a2ui/v0.9/action';

/** What a v0.9 client sends: an action from the renderer's onAction, or an error report. */
export type ClientMessage =
  | { version: 'v0.9'; action: { name: string; surfaceId: string; sourceComponentId: string; timestamp: string; context: Record<string, unknown> } }
  | { version: 'v0.9'; error: { code: string; surfaceId: string; message: string } };

export interface ActionResult {
  sideEffects: SideEffect[];
  /** A sentence for the user when the action could not run or reach the server. */
  problem?: string;
}

export async function postClientMessage(message: ClientMessage): Promise<ActionResult> {
  const result = await postJson(ACTION_URL, message);
  if (!result.ok) return { sideEffects: [], problem: result.problem };
  if (!isObject(result.body)) return { sideEffects: [] };
  const answer = result.body as unknown as A2uiV09Answer;
  // A failure the server handled shows as a toast on the surface: nothing more to say here.
  if (answer.status === 'error') console.warn('a2ui: action failed', answer.error);
  return { sideEffects: 'side_effects' in answer && Array.isArray(answer.side_effects) ? answer.side_effects : [] };
}
