/**
 * A view's toasts. Success and info leave by themselves after a while (the view commits their
 * removal); a toast the user holds (the pointer or focus on it, `hold_toast`) waits until released.
 * Errors and warnings stay until dismissed, three at most (the oldest goes). A navigation to another
 * section clears the toasts about the page left behind: each toast remembers the section it was
 * raised on, and the ones raised by the navigating action itself (a "Sent" that comes with the move
 * back to the inbox) concern the new page.
 */
import type { Toast } from '../../agents/shell/view';
import { sectionOf, type ToastVariant } from '../../agents/types';

/** Errors and warnings kept at once. */
const MAX_STICKY = 3;
/** Toasts on screen at once. */
const MAX_TOASTS = 5;
export const DEFAULT_TOAST_LIFETIME_MS = 6000;

const sticky = (variant: ToastVariant) => variant === 'error' || variant === 'warning';

interface Entry {
  toast: Toast;
  /** The route's section (`/email`) when it was raised. */
  section: string;
  /** Its number: a mark taken before an action tells the toasts it raised from the older ones. */
  serial: number;
}

export class Toasts {
  private entries: readonly Entry[] = [];
  private list: readonly Toast[] = [];
  private counter = 0;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly held = new Set<string>();

  constructor(
    private readonly lifetimeMs: number,
    /** Called when a toast's time is up (the owner removes it and commits, on its queue). */
    private readonly expire: (id: string) => void,
  ) {}

  /** The toasts on screen, oldest first (replaced, never mutated: memos compare identity). */
  get current(): readonly Toast[] {
    return this.list;
  }

  /** The serial of the newest toast so far: toasts raised after it are newer than the mark. */
  mark(): number {
    return this.counter;
  }

  add(variant: ToastVariant, message: string, route = '/'): void {
    const serial = ++this.counter;
    const toast: Toast = { id: `t${serial}`, variant, message };
    let entries = [...this.entries, { toast, section: sectionOf(route), serial }];
    const stickyOnes = entries.filter((e) => sticky(e.toast.variant));
    if (stickyOnes.length > MAX_STICKY) entries = entries.filter((e) => !stickyOnes.slice(0, stickyOnes.length - MAX_STICKY).includes(e));
    if (entries.length > MAX_TOASTS) entries = entries.slice(-MAX_TOASTS);
    this.set(entries);
    if (!sticky(variant)) this.startTimer(toast.id, this.lifetimeMs);
  }

  /** Removes a toast; false when it is not there (already gone). */
  remove(id: string): boolean {
    if (!this.entries.some((e) => e.toast.id === id)) return false;
    this.set(this.entries.filter((e) => e.toast.id !== id));
    return true;
  }

  /**
   * The pointer or focus is on a toast (`held`): it does not leave while held; released, it gets a
   * little time before it goes. False when there is no such toast.
   */
  hold(id: string, held: boolean): boolean {
    const entry = this.entries.find((e) => e.toast.id === id);
    if (!entry) return false;
    if (held) {
      this.held.add(id);
      this.stopTimer(id);
    } else if (this.held.delete(id) && !sticky(entry.toast.variant)) {
      this.startTimer(id, Math.min(this.lifetimeMs, 3000));
    }
    return true;
  }

  /**
   * The view moved to `route`: toasts older than `mark` about another section go; the newer ones
   * (raised by the navigating action) are about the new page.
   */
  navigated(route: string, mark: number): void {
    const section = sectionOf(route);
    const kept = this.entries.filter((e) => e.serial > mark || e.section === section).map((e) => (e.serial > mark && e.section !== section ? { ...e, section } : e));
    if (kept.length !== this.entries.length || kept.some((e, i) => e !== this.entries[i])) this.set(kept);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private set(entries: readonly Entry[]): void {
    const ids = new Set(entries.map((e) => e.toast.id));
    for (const id of [...this.timers.keys()]) if (!ids.has(id)) this.stopTimer(id);
    for (const id of [...this.held]) if (!ids.has(id)) this.held.delete(id);
    this.entries = entries;
    this.list = entries.map((e) => e.toast);
  }

  private startTimer(id: string, ms: number): void {
    this.stopTimer(id);
    const timer = setTimeout(() => {
      this.timers.delete(id);
      this.expire(id);
    }, ms);
    timer.unref();
    this.timers.set(id, timer);
  }

  private stopTimer(id: string): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
  }
}
