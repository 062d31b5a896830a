/**
 * Ids for the objects the gateway makes up when it translates (a Responses answer from Anthropic, a
 * Message from OpenAI) and for the responses it keeps: the vendors' prefixes, then random hex.
 */
import crypto from 'node:crypto';

export function newId(prefix: 'resp' | 'msg' | 'fc' | 'toolu'): string {
  return `${prefix}_${crypto.randomBytes(12).toString('hex')}`;
}
