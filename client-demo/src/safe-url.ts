/**
 * The one URL gate: image, video and audio sources and every URL the client opens pass through here.
 * Server data is not trusted to be free of `javascript:`, `data:` or `vbscript:` URLs (a mail body can
 * carry anything), so only http(s) survives. Relative URLs resolve against the page, as the browser
 * would resolve them.
 */

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);

/** The absolute http(s) URL, or null when `raw` is not a string, does not parse or has another scheme. */
export function safeUrl(raw: unknown, base: string = defaultBase()): string | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return null;
  }
  return ALLOWED_PROTOCOLS.has(url.protocol) ? url.href : null;
}

function defaultBase(): string {
  return typeof location === 'undefined' ? 'http://localhost/' : location.href;
}

/** Opens a URL that passed `safeUrl` in a new tab, without an opener (the new page cannot reach this one). */
export function openInNewTab(url: string): void {
  window.open(url, '_blank', 'noopener');
}

/** A same-origin path for history.pushState: starts with one `/` (`//host` would leave the origin). */
export function isSameOriginPath(to: unknown): to is string {
  return typeof to === 'string' && to.startsWith('/') && !to.startsWith('//') && !to.includes('\\');
}
