/**
 * A listener called at most once per `ms`: the gateway's events come with every request, and a screen
 * needs one refresh per burst, not one per request. Answers the listener and its cancel.
 */
export function coalesced(listener: () => void, ms: number): { call: () => void; cancel: () => void } {
  let pending: NodeJS.Timeout | undefined;
  return {
    call: () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        listener();
      }, ms);
    },
    cancel: () => {
      clearTimeout(pending);
      pending = undefined;
    },
  };
}
