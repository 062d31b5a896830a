/**
 * The bounded log of a session's recent changes, for catch-up: a client at version v gets the ops of
 * every change since v concatenated, while v is still in the log; an older client gets a snapshot.
 */
import type { Operation } from 'fast-json-patch';
import { snapshot } from '../../diff';
import type { Surface } from '../../renderer';
import type { Frame } from './frame';

interface Entry {
  from: number;
  to: number;
  ops: Operation[];
}

export class FrameLog {
  private entries: Entry[] = [];

  constructor(private readonly capacity: number) {}

  /** Records the change from → to (to = from + 1). */
  push(from: number, to: number, ops: Operation[]): void {
    this.entries.push({ from, to, ops });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** The ops from `version` to the newest version; undefined when `version` is no longer (or never was) in the log. */
  since(version: number, current: number): Operation[] | undefined {
    if (version === current) return [];
    const first = this.entries.findIndex((e) => e.from === version);
    if (first === -1) return undefined;
    const ops: Operation[] = [];
    for (let i = first; i < this.entries.length; i++) {
      const entryOps = this.entries[i]!.ops;
      for (let k = 0; k < entryOps.length; k++) ops.push(entryOps[k]!);
    }
    return ops;
  }

  /** What a client of the view at `version` needs to reach `current`: the missed ops, or a snapshot of `surface`. */
  catchUp(surfaceId: string, version: number | undefined, current: number, surface: Surface): Frame {
    const ops = version === undefined ? undefined : this.since(version, current);
    if (ops) return { surfaceId, from: version!, to: current, ops, side_effects: [] };
    return { surfaceId, from: null, to: current, ops: snapshot(surface), side_effects: [] };
  }
}
