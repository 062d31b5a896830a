/**
 * Actions go to `POST /api/a2ui/v0.9/action` as the renderer dispatches them (`{version, action}`).
 * The answer's messages are not applied here: the stream carries every change in order, this one
 * included. The answer is read for what only the acting page should do: its side effects (a history
 * entry for a navigation, a URL to open) and a failure to report.
 */
import type { A2uiV09Answer } from '../../server/a2ui-v09-protocol';
import type { SideEffect } from '../../server/protocol';

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
  let response: Response;
  try {
    response = await fetch(ACTION_URL, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
    });
  } catch {
    return { sideEffects: [], problem: 'The server cannot be reached. Check your connection and try again.' };
  }
  const body = (await response.json().catch(() => null)) as (A2uiV09Answer & { error?: { message?: string } }) | null;
  if (!response.ok) {
    if (response.status === 401) return { sideEffects: [], problem: 'Not signed in: open the start-up link (with ?token=…) printed by the server.' };
    return { sideEffects: [], problem: body?.error?.message ?? `The server answered with an error (HTTP ${response.status}).` };
  }
  // A failure the server handled shows as a toast on the surface: nothing more to say here.
  if (body && body.status === 'error') console.warn('a2ui: action failed', body.error);
  return { sideEffects: body && 'side_effects' in body ? body.side_effects : [] };
}
