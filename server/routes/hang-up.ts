/**
 * The AbortSignal of a request: aborted when the client hangs up before its answer was written, so
 * the work it asked for (a model turn, git) stops instead of running for nobody.
 */
import type { Response } from 'express';

export function hangUpSignal(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableEnded) controller.abort();
  });
  return controller.signal;
}
