/**
 * Polling for a state the test cannot be told about (a background frame, a process that exits, an
 * event on a stream): checks `probe` until it answers something truthy, and fails naming `what` when
 * the time runs out (a function is asked then, so the message can say where things got stuck). Never
 * a fixed sleep: it returns as soon as the state is there.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string | (() => string), timeoutMs = 15_000): Promise<NonNullable<T>> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
