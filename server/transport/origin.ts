/**
 * Same-origin check for browser requests. The auth cookie is SameSite=Strict, but "site" ignores the
 * port: a page served from any other port of 127.0.0.1 (a dev server, another tool) is same-site and
 * its scripts would send the cookie, over fetch and, without CORS to stop them, over WebSockets.
 * Browsers always send `Origin` on those requests; it must name this server. Requests without an
 * Origin (curl, SDKs, socket.io-client in Node) are not from a page and still need their token.
 */
export function isForeignOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return false;
  if (!host) return true;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true; // "null" (sandboxed frames, file:) and garbage
  }
}
