/**
 * The gateway's memory of Responses conversations, so `previous_response_id` works whichever provider
 * answers: each response keeps the input items its request added and the output items it produced,
 * linked to its previous response. Expanding an id walks the chain back and replays it as plain input,
 * so the provider gets the whole conversation and never needs an id of its own — a conversation
 * started at OpenAI continues at Anthropic after a failover, and back.
 *
 * Bounded: the latest `perOwner` responses of each owner (a user) are kept, in memory; an owner never
 * sees another's. A chain with a forgotten link (evicted, or the server restarted) cannot be rebuilt,
 * and the client is told so, as OpenAI would: `previous_response_not_found`.
 */

type Json = Record<string, any>;

interface Stored {
  previous: string | null;
  input: Json[];
  output: Json[];
}

export class ConversationStore {
  /** Per owner, responses by id in insertion order (a Map is the eviction queue). */
  private readonly owners = new Map<string, Map<string, Stored>>();

  constructor(private readonly perOwner: number) {}

  /** The conversation up to and including `id`, as input items; undefined when a link is missing. */
  expand(owner: string, id: string): Json[] | undefined {
    const responses = this.owners.get(owner);
    const chain: Stored[] = [];
    for (let at: string | null = id; at !== null; ) {
      const stored: Stored | undefined = responses?.get(at);
      if (!stored || chain.length >= this.perOwner) return undefined;
      chain.push(stored);
      at = stored.previous;
    }
    return chain.reverse().flatMap((stored) => [...stored.input, ...stored.output]);
  }

  save(owner: string, id: string, previous: string | null, input: readonly Json[], output: readonly Json[]): void {
    let responses = this.owners.get(owner);
    if (!responses) this.owners.set(owner, (responses = new Map()));
    responses.set(id, { previous, input: [...input], output: output.flatMap(replayable) });
    while (responses.size > this.perOwner) responses.delete(responses.keys().next().value!);
  }
}

/**
 * An output item as input for the next turn: without its item id (a provider that did not store the
 * response would look the id up and fail), and reasoning only when it carries its encrypted content
 * (the only form a provider takes back without having stored it).
 */
function replayable(item: Json): Json[] {
  if (item.type === 'reasoning') return item.encrypted_content ? [item] : [];
  const { id: _id, status: _status, ...rest } = item;
  return [rest];
}
