/**
 * What an answer cost: tokens × the model's price per million tokens. The built-in table holds the
 * vendors' list prices (USD, standard tier) for current models; A2UI_GATEWAY_PRICES and a provider's
 * own `prices` add or replace entries. A dated snapshot (`claude-haiku-4-5-20251001`, `gpt-5-2025-08-07`)
 * takes its model's price; nothing else is guessed from a name (`gpt-5.4-mini` is not `gpt-5`): a model
 * without a price is counted in tokens, its cost unknown, until A2UI_GATEWAY_PRICES names it.
 */
import type { ModelPrice } from './provider';
import type { TokenUsage } from './usage';

export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-opus-4-1': { input: 15, output: 75 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'gpt-5': { input: 1.25, output: 10, cache_read: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cache_read: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cache_read: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cache_read: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cache_read: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cache_read: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cache_read: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cache_read: 0.075 },
  o3: { input: 2, output: 8, cache_read: 0.5 },
  'o4-mini': { input: 1.1, output: 4.4, cache_read: 0.275 },
};

/** A snapshot's date suffix: `-20251001`, `-2025-08-07`. */
const SNAPSHOT = /-(\d{8}|\d{4}-\d{2}-\d{2})$/;

/** The price of `model` (or of the model it is a dated snapshot of), from the first table that has it. */
export function priceOf(model: string, ...tables: ReadonlyArray<Readonly<Record<string, ModelPrice>> | undefined>): ModelPrice | undefined {
  const undated = model.replace(SNAPSHOT, '');
  for (const table of tables) {
    if (!table) continue;
    if (Object.hasOwn(table, model)) return table[model];
    if (Object.hasOwn(table, undated)) return table[undated];
  }
  return undefined;
}

/** USD, rounded to a millionth of a dollar; null without a price. */
export function costOf(usage: TokenUsage, price: ModelPrice | undefined): number | null {
  if (!price) return null;
  const cacheRead = price.cache_read ?? price.input * 0.1;
  const cacheWrite = price.cache_write ?? price.input * 1.25;
  const usd = (usage.input * price.input + usage.output * price.output + usage.cacheRead * cacheRead + usage.cacheWrite * cacheWrite) / 1e6;
  return Math.round(usd * 1e6) / 1e6;
}
