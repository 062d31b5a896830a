/**
 * What every long-lived streaming response shares (an agent's SSE, the A2UI v0.9 stream): headers that
 * keep caches and proxies from holding it back, and a heartbeat that stops with the response. What a
 * stream writes, and what it does with a client that stops reading, are each stream's own.
 */
import type { Response } from 'express';

/** Answers `status` (200) with `contentType`, uncached and unbuffered, and sends the headers now. */
export function startStream(res: Response, contentType: string, status = 200): void {
  res.status(status).set({
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
}

/** Calls `beat` every `ms` until the response closes (idle connections stay open through proxies). */
export function heartbeat(res: Response, ms: number, beat: () => void): void {
  const timer = setInterval(beat, ms);
  timer.unref();
  res.on('close', () => clearInterval(timer));
}
