/**
 * Every live connection of this process (socket.io sockets, A2UI v0.9 streams), by user, so that the
 * connections of a user can be closed with a reconnect hint: when the user's session moves to
 * another process (several processes, server/cluster/), or this process stops. A closed socket.io
 * transport or a closed SSE response makes a client reconnect by itself; where it lands, it joins
 * again and catches up.
 */
export class Connections {
  private readonly byUser = new Map<string, Set<() => void>>();

  /** Registers a connection of `userId`; `close` ends it so that its client reconnects. Answers the removal. */
  add(userId: string, close: () => void): () => void {
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(close);
    return () => {
      set.delete(close);
      if (set.size === 0 && this.byUser.get(userId) === set) this.byUser.delete(userId);
    };
  }

  /** Closes every connection of the user (each client reconnects). */
  closeUser(userId: string): void {
    const set = this.byUser.get(userId);
    if (!set) return;
    this.byUser.delete(userId);
    for (const close of set) close();
  }

  closeAll(): void {
    for (const userId of [...this.byUser.keys()]) this.closeUser(userId);
  }
}
