/**
 * A set of listeners for a service's change events (worktrees changed, an approval asked or answered,
 * a Google sign-in, a saved conversation). `subscribe` answers the unsubscribe function, which is what
 * a plugin hands to `host.onClose`. A listener that throws is logged and the others still hear the
 * event: the change itself has already happened, so one broken listener must not fail it.
 */
export class Listeners<A extends unknown[]> {
  private readonly listeners = new Set<(...args: A) => void>();

  /** `plugin` names the listeners' owner in the log (`[worktree] a listener failed: …`). */
  constructor(private readonly plugin: string) {}

  /** How many listeners there are (a keyed owner drops a key whose set ran empty). */
  get size(): number {
    return this.listeners.size;
  }

  subscribe(listener: (...args: A) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(...args: A): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(...args);
      } catch (error) {
        console.error(`[${this.plugin}] a listener failed:`, error);
      }
    }
  }

  /** Forgets every listener (the service is closing). */
  clear(): void {
    this.listeners.clear();
  }
}
