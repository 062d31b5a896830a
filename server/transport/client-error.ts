/**
 * Requests Node's HTTP parser refuses before express sees them — headers over Node's limit (16 KB,
 * the URL included), a byte a URL or header may not hold, something that is not HTTP — are answered
 * in the one error shape too, not with Node's bare status line and no body. The statuses stay Node's:
 * 431 for headers too large (code PAYLOAD_TOO_LARGE), 408 for a request that took too long to arrive
 * (TIMEOUT), 400 for the rest (INVALID_INPUT).
 */
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../../agents/errors';

function refusalOf(code: string | undefined): { status: number; reason: string; error: { code: ErrorCode; message: string } } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, reason: 'Request Header Fields Too Large', error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request headers (the URL included) are larger than the limit.' } };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, reason: 'Request Timeout', error: { code: 'TIMEOUT', message: 'The request took too long to arrive.' } };
  return { status: 400, reason: 'Bad Request', error: { code: 'INVALID_INPUT', message: 'The request is not valid HTTP (a URL or header holds a character it may not).' } };
}

/** The HTTP server's `clientError` listener. */
export function answerClientError(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): void {
  // A connection the client already dropped has nobody to answer.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, reason, error: body } = refusalOf(error.code);
  const text = JSON.stringify({ error: body });
  // The answer to a HEAD has no body (the client would take it for the start of a next answer).
  const head = error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${head ? '' : text}`);
}
