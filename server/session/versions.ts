/**
 * Version numbers that never repeat, even across a crash. A client holding version v applies a frame
 * only when its `from` is v; if a restarted server (or a view dropped and made again under the same
 * id) could hand out v again for another surface, that client would be told nothing changed and keep
 * a stale screen. So every version of every view comes from one clock per server start:
 * `epoch × 2^32 + n`, where the epoch is this start's number, taken from the store (and persisted)
 * before any frame is sent, and n counts every change of every view since the start. A view's
 * versions increase but skip the numbers other views took: clients compare them for equality only.
 * 2^53 leaves room for 2^21 epochs of 2^32 changes each; a start that uses up its span takes a new epoch.
 */
export const EPOCH_SPAN = 2 ** 32;

export class VersionClock {
  private epoch: number;
  private n = 0;

  /** `nextEpoch` answers a number no earlier start of this data has used (and persists it). */
  constructor(private readonly nextEpoch: () => number) {
    this.epoch = nextEpoch();
  }

  next(): number {
    if (++this.n >= EPOCH_SPAN) {
      this.epoch = this.nextEpoch();
      this.n = 1;
    }
    return this.epoch * EPOCH_SPAN + this.n;
  }
}
