/**
 * Where the keyboard focus goes when the page (the server's route) changes. A control still on the
 * screen outside the content keeps it (a header section the user is tabbing through); otherwise (the
 * focus was in the content left behind, or nowhere) it moves to the new page's heading, or to the
 * content region, so keyboard and screen-reader users start on the new page, not at the document's top.
 */
export function pageFocus(container: HTMLElement, openedAt: string): (route: string | null) => void {
  let last: string | null | undefined;
  // Loading: the first document, and the move a deep link asks for after it (the server's route was
  // another), leave the browser's own focus where it is.
  let loading = true;
  return (route) => {
    if (loading || route === last) {
      if (openedAt === '/' || route === openedAt || (last !== undefined && route !== last)) loading = false;
      last = route;
      return;
    }
    last = route;
    const content = container.querySelector<HTMLElement>('[data-id="app-content"]');
    if (!content) return;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected && !content.contains(active)) return;
    const target = content.querySelector<HTMLElement>('h1, h2') ?? content;
    // Focusable by script only: a heading is not a stop on the Tab order.
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
  };
}
