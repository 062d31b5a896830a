/**
 * Small helpers for the Email plugin's integration tests: actions over REST and reading the surface.
 * The users, `surfaceOf` and the waiting are the shared helpers' (server.ts, client.ts, wait.ts).
 */
import type { Operation } from 'fast-json-patch';
import type { ActionResponse } from '../../server/transport/protocol';
import { bearer, waitForSurface, type Doc } from './client';

export interface ActResult {
  status: number;
  body: ActionResponse & { error?: { code: string; message: string } };
  ops: Operation[];
}

export async function act(url: string, token: string, action: string, payload: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<ActResult> {
  const res = await fetch(`${url}/api/a2ui/action`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify({ action, payload, ...extra }),
  });
  const body = (await res.json()) as ActResult['body'];
  return { status: res.status, body, ops: typeof body.a2ui_json === 'string' ? (JSON.parse(body.a2ui_json) as Operation[]) : [] };
}

/** `waitForSurface`'s document. */
export async function waitForDoc(url: string, token: string, predicate: (doc: Doc) => boolean, timeoutMs = 10_000): Promise<Doc> {
  return (await waitForSurface(url, token, predicate, timeoutMs)).doc;
}

export function component(doc: Doc, id: string): Record<string, unknown> | undefined {
  return doc.components[id] as Record<string, unknown> | undefined;
}

export function textOf(doc: Doc, id: string): string | undefined {
  return component(doc, id)?.text as string | undefined;
}

export function childrenOf(doc: Doc, id: string): string[] {
  return (component(doc, id)?.children as string[] | undefined) ?? [];
}

/** The email slice of the data model. */
export function emailData(doc: Doc): { search: { query: string }; compose: { to: string; subject: string; body: string } } {
  return doc.dataModel.email as ReturnType<typeof emailData>;
}
