/**
 * What the official renderer leaves out for assistive technology, added after each of its passes:
 * its TextField draws a `<label>` beside the input without tying them (no `for`, no wrapping), so
 * the input gets the label's words as its `aria-label`; the transcript scrolls (surface-styles.ts
 * gives it a height) but holds nothing focusable, so it takes the keyboard focus itself.
 */
export function nameControls(root: ParentNode): void {
  for (const field of Array.from(root.querySelectorAll('a2ui-basic-textfield'))) {
    const label = field.querySelector(':scope > label')?.textContent?.trim();
    const control = field.querySelector(':scope > input, :scope > textarea');
    if (control && label && control.getAttribute('aria-label') !== label) control.setAttribute('aria-label', label);
  }
  for (const scroller of Array.from(root.querySelectorAll('[data-id="control-output"]'))) {
    if (!scroller.hasAttribute('tabindex')) scroller.setAttribute('tabindex', '0');
  }
}
