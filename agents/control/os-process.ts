/**
 * Agent processes as the operating system sees them, for what outlives a server: a process group the
 * server started and must stop, even after it crashed and restarted.
 *
 * A pid alone is not an identity: after the process ends the kernel hands the number to someone else.
 * A stamp adds the process's start time (field 22 of `/proc/<pid>/stat`, clock ticks since boot) and
 * the boot id (`/proc/sys/kernel/random/boot_id`): a live process with the same pid, the same start
 * time and the same boot is the one we started, and only that one is ever signalled. Linux only;
 * elsewhere nothing can be verified, so a restart leaves old processes alone.
 *
 * "Gone" means no process of the group is left that still runs: a zombie (dead, waiting for its parent
 * to collect it, which after a crash is init and may be slow) no longer counts.
 */
import fs from 'node:fs';

export interface ProcessStamp {
  pid: number;
  /** The process group it leads (agents are spawned detached: pgid = pid). */
  pgid: number;
  /** Start time in clock ticks since boot (`/proc/<pid>/stat` field 22). */
  startTicks: number;
  /** The boot it started in; a reboot makes every stamp stale. */
  bootId: string | null;
}

interface Stat {
  state: string;
  pgrp: number;
  startTicks: number;
}

/** Fields of `/proc/<pid>/stat`; null when there is no such process (or no /proc). */
export function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces or ')': fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const pgrp = Number(fields[2]);
  const startTicks = Number(fields[19]);
  if (!fields[0] || !Number.isInteger(pgrp) || !Number.isInteger(startTicks)) return null;
  return { state: fields[0], pgrp, startTicks };
}

let cachedBootId: string | null | undefined;

export function bootId(): string | null {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      cachedBootId = null;
    }
  }
  return cachedBootId;
}

/** The stamp of a process we just started; null when it is already gone or /proc is missing. */
export function stampOf(pid: number): ProcessStamp | null {
  const stat = readStat(pid);
  return stat ? { pid, pgid: stat.pgrp, startTicks: stat.startTicks, bootId: bootId() } : null;
}

/** Whether the stamped process still runs: same boot, same pid, same start time, not a zombie. */
export function isStillRunning(stamp: ProcessStamp): boolean {
  if (stamp.bootId === null || stamp.bootId !== bootId()) return false;
  const stat = readStat(stamp.pid);
  return stat !== null && stat.state !== 'Z' && stat.startTicks === stamp.startTicks;
}

/** Whether a process still runs (a zombie does not). */
export function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  if (stat) return stat.state !== 'Z';
  if (fs.existsSync('/proc/self/stat')) return false;
  try {
    process.kill(pid, 0); // no /proc: the best this system can tell
    return true;
  } catch {
    return false;
  }
}

/** The processes of a group that still run (zombies left out). */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return isRunning(pgid) ? [pgid] : []; // no /proc: only the leader can be asked about
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z') members.push(Number(entry));
  }
  return members;
}

/** Sends `signal` to every process of the group; a group that is gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** Resolves true once the group is gone, false when `ms` passed first. */
export async function groupGone(pgid: number, ms: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (groupMembers(pgid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** How long after SIGKILL a group may take to disappear before we stop waiting for it. */
const AFTER_KILL_MS = 5000;

/**
 * The stop ladder for a process group the server no longer holds pipes to (one a crashed server left):
 * SIGINT, SIGTERM, then SIGKILL, `graceMs` apart while any of it still runs. Resolves with the last
 * signal sent (undefined when it was gone already) once the group is gone.
 */
export async function stopGroup(pgid: number, graceMs: number): Promise<NodeJS.Signals | undefined> {
  let last: NodeJS.Signals | undefined;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    if (groupMembers(pgid).length === 0) return last;
    signalGroup(pgid, signal);
    last = signal;
    if (await groupGone(pgid, signal === 'SIGKILL' ? AFTER_KILL_MS : graceMs)) return last;
  }
  return last;
}
