/**
 * Small helpers for the Email plugin's integration tests: actions over REST, the user's whole surface,
 * waiting for a background frame, and a data dir with more users.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Operation } from 'fast-json-patch';
import type { ActionResponse, Frame } from '../../server/protocol';
import type { Doc } from './client';
import { bearer, tempDir } from './server';
import { waitFor } from './wait';

export const ALICE = { token: 'alice-token-0123456789abcdef', userId: 'alice' };
export const BOB = { token: 'bob-token-0123456789abcdef', userId: 'bob' };

/** A data dir whose users.json adds alice and bob. */
export function dataDirWithUsers(): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'users.json'), JSON.stringify({ users: [ALICE, BOB].map((u) => ({ token: u.token, user_id: u.userId })) }));
  return dir;
}

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

/** The user's whole surface now. */
export async function surfaceOf(url: string, token: string): Promise<{ doc: Doc; version: number }> {
  const res = await fetch(`${url}/api/a2ui/surface`, { headers: bearer(token) });
  const frame = (await res.json()) as Frame;
  return { doc: (frame.ops[0] as { value: Doc }).value, version: frame.to };
}

/** Polls the surface until `predicate` holds (background frames: a loaded inbox, a streamed draft). */
export async function waitForDoc(url: string, token: string, predicate: (doc: Doc) => boolean, timeoutMs = 10_000): Promise<Doc> {
  let last: Doc | undefined;
  try {
    return await waitFor(async () => {
      last = (await surfaceOf(url, token)).doc;
      return predicate(last) ? last : undefined;
    }, 'the surface to reach the expected state', timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; components: ${Object.keys(last?.components ?? {}).slice(0, 40).join(', ')}`);
  }
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

/** `waitFor` for a yes/no condition. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  await waitFor(condition, what, timeoutMs);
}
