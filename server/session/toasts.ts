/**
 * A view's toasts: at most three; success and info leave by themselves after a while (the view
 * commits their removal), errors and warnings stay until dismissed.
 */
import type { Toast } from '../../agents/shell/view';
import type { ToastVariant } from '../../agents/types';

const MAX_TOASTS = 3;
export const DEFAULT_TOAST_LIFETIME_MS = 6000;

export class Toasts {
  private list: readonly Toast[] = [];
  private counter = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly lifetimeMs: number,
    /** Called when a toast's time is up (the owner removes it and commits, on its queue). */
    private readonly expire: (id: string) => void,
  ) {}

  /** The toasts on screen, oldest first (replaced, never mutated: memos compare identity). */
  get current(): readonly Toast[] {
    return this.list;
  }

  add(variant: ToastVariant, message: string): void {
    const toast: Toast = { id: `t${++this.counter}`, variant, message };
    this.list = [...this.list, toast].slice(-MAX_TOASTS);
    if (variant === 'error' || variant === 'warning') return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.expire(toast.id);
    }, this.lifetimeMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Removes a toast; false when it is not there (already gone). */
  remove(id: string): boolean {
    if (!this.list.some((t) => t.id === id)) return false;
    this.list = this.list.filter((t) => t.id !== id);
    return true;
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
