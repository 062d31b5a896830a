/**
 * followEvents, deterministically: events that arrive while the logs are read, events that are both
 * in a log and in the live buffer, an id from the future, and a consumer that goes away.
 */
import type { AgentEvent } from '../../agents/control/events';
import { followEvents, type FollowSource } from '../../agents/control/follow';

const event = (seq: number, session = 's1'): AgentEvent => ({ type: 'output', text: `e${seq}`, seq, session_id: session, agent_id: 'a', at: '' });

/** A source with logs in memory; `onRead(seq)` runs as each logged event is read (to emit meanwhile). */
function source(logs: Record<string, AgentEvent[]>, onRead: (seq: number) => void = () => undefined) {
  const listeners = new Set<(e: AgentEvent) => void>();
  let lastSeq = Math.max(0, ...Object.values(logs).flat().map((e) => e.seq));
  const emit = (e: AgentEvent) => {
    logs[e.session_id] = [...(logs[e.session_id] ?? []), e]; // the log first, as event-log.ts does
    lastSeq = e.seq;
    for (const l of listeners) l(e);
  };
  const src: FollowSource = {
    lastSeq: () => lastSeq,
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    async *read(after) {
      // Session by session (the sessions as they were when the read began), each a snapshot of the
      // file at open time, like a read stream that reaches the end it saw.
      for (const sessionId of Object.keys(logs)) {
        for (const e of [...logs[sessionId]!]) {
          await Promise.resolve();
          onRead(e.seq);
          if (e.seq > after) yield e;
        }
      }
    },
  };
  return { src, emit };
}

/**
 * The in-memory source reads with microtasks only, so a replay is over once the microtask queue has
 * drained: one macrotask later. No time passes, nothing races.
 */
const settle = () => new Promise((r) => setImmediate(r));

test('events emitted during the replay come after it, each once, in order, across sessions', async () => {
  let emit!: (e: AgentEvent) => void;
  let next = 7;
  const made = source({ s1: [1, 2, 3, 4].map((n) => event(n)), s2: [5, 6].map((n) => event(n, 's2')) }, (seq) => {
    if (seq === 2 || seq === 5) for (let i = 0; i < 3; i++) emit(event(next++, 's2'));
  });
  emit = made.emit;
  const got: number[] = [];
  followEvents(made.src, 1, (e) => void got.push(e.seq));
  await settle();
  made.emit(event(next++, 's2'));
  expect(got).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
});

test('without `after` only live events; an id from the future is treated as now', async () => {
  const made = source({ s1: [event(1), event(2)] });
  const live: number[] = [];
  const future: number[] = [];
  followEvents(made.src, undefined, (e) => void live.push(e.seq));
  followEvents(made.src, 99, (e) => void future.push(e.seq));
  await settle();
  made.emit(event(3));
  expect(live).toEqual([3]);
  expect(future).toEqual([3]);
});

test('a consumer that answers false, or unsubscribes, gets nothing more', async () => {
  const made = source({ s1: [1, 2, 3].map((n) => event(n)) });
  const got: number[] = [];
  followEvents(made.src, 0, (e) => {
    got.push(e.seq);
    return e.seq < 2;
  });
  const other: number[] = [];
  const stop = followEvents(made.src, undefined, (e) => void other.push(e.seq));
  await settle();
  stop();
  made.emit(event(4));
  expect(got).toEqual([1, 2]);
  expect(other).toEqual([]);
});
