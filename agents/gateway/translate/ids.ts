/**
 * Ids for the objects the gateway makes up when it translates (a Responses answer from Anthropic, a
 * Message from OpenAI) and for the responses it keeps: the vendors' prefixes, then random hex.
 */
import crypto from 'node:crypto';

/** 24 random hex digits (96 bits), from the runtime's buffered entropy: cheap enough for every answer. */
export function newId(prefix: 'resp' | 'msg' | 'fc' | 'toolu'): string {
  return `${prefix}_${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
