/**
 * The number of this server start (session/versions.ts): read from `<data>/epoch`, incremented and
 * written back (fsync'd) before any frame is sent, so no later start can reuse it, even after a crash.
 * The epoch is also never below the hours since 2026, so a lost or damaged file cannot bring back an
 * epoch of a start more than an hour ago (starts within an hour of each other count up by one).
 */
import fs from 'node:fs';
import path from 'node:path';

const SINCE_2026 = Date.UTC(2026, 0, 1);
const HOUR_MS = 3_600_000;

/** The lowest epoch a start may take now: the hours since 2026. */
export function epochFloor(now = Date.now()): number {
  return Math.floor((now - SINCE_2026) / HOUR_MS);
}

export function nextEpoch(dataDir: string): number {
  const file = path.join(dataDir, 'epoch');
  let last = 0;
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (/^\d{1,10}$/.test(text)) last = Number(text);
    else console.warn(`[store] ${path.basename(file)} is not a number; versions continue from the clock`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const epoch = Math.max(last + 1, epochFloor());
  const temp = `${file}.tmp`;
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeSync(fd, `${epoch}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  return epoch;
}
