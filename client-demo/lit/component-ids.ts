/**
 * The official renderer's elements carry no component id in the DOM (each holds it in its
 * `context.componentModel.id`). This page copies it to `data-id`, so its style sheet can place the
 * shell's regions (the panels' width, the toasts' overlay, the transcript's height) as the thin
 * client's does. Read only: the renderer's elements are otherwise left as it made them.
 */
type WithContext = Element & { context?: { componentModel?: { id?: unknown } } };

function tag(root: ParentNode): void {
  for (const element of Array.from(root.querySelectorAll<HTMLElement>('*'))) {
    if (!element.localName.startsWith('a2ui-')) continue;
    // Written again when it changed: the renderer reuses an element of the same tag for another component.
    const id = (element as WithContext).context?.componentModel?.id;
    if (typeof id === 'string' && element.dataset.id !== id) element.dataset.id = id;
  }
}

/**
 * Keeps `data-id` on every renderer element under `container` (a surface's shadow root), as they
 * come and go; `after` runs on the container after each pass (other touches that need the ids).
 */
export function tagComponentIds(container: ParentNode & Node, after?: (root: ParentNode) => void): void {
  tag(container);
  after?.(container);
  let scheduled = false;
  new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      tag(container);
      after?.(container);
    });
  }).observe(container, { childList: true, subtree: true });
}
