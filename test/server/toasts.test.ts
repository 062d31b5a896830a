/**
 * A view's toasts on their own, with Jest's fake clock: what leaves by itself and when, holding,
 * the caps, and what a navigation clears.
 */
import { Toasts } from '../../server/session/toasts';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

function toasts(lifetimeMs = 6000) {
  const expired: string[] = [];
  const list = new Toasts(lifetimeMs, (id) => {
    expired.push(id);
    list.remove(id);
  });
  return { list, expired, messages: () => list.current.map((t) => t.message) };
}

test('success and info leave after their lifetime; errors and warnings stay', () => {
  const { list, expired, messages } = toasts();
  list.add('success', 'saved');
  list.add('info', 'fyi');
  list.add('error', 'broken');
  list.add('warning', 'careful');
  jest.advanceTimersByTime(5999);
  expect(expired).toEqual([]);
  jest.advanceTimersByTime(1);
  expect(expired).toEqual(['t1', 't2']);
  expect(messages()).toEqual(['broken', 'careful']);
  list.close();
});

test('a held toast stays while held and leaves a little after it is released', () => {
  const { list, expired } = toasts(6000);
  list.add('success', 'saved');
  expect(list.hold('t1', true)).toBe(true);
  jest.advanceTimersByTime(60_000);
  expect(expired).toEqual([]);
  list.hold('t1', false);
  jest.advanceTimersByTime(2999);
  expect(expired).toEqual([]);
  jest.advanceTimersByTime(1);
  expect(expired).toEqual(['t1']);
  expect(list.hold('t1', true)).toBe(false); // gone
  list.close();
});

test('three errors at most (the oldest goes), five toasts at most', () => {
  const { list, messages } = toasts();
  for (const n of [1, 2, 3, 4]) list.add('error', `e${n}`);
  expect(messages()).toEqual(['e2', 'e3', 'e4']);
  for (const n of [1, 2, 3]) list.add('info', `i${n}`);
  expect(messages()).toEqual(['e3', 'e4', 'i1', 'i2', 'i3']);
  list.close();
});

test('a navigation clears the toasts of other sections raised before the mark', () => {
  const { list, messages } = toasts();
  list.add('error', 'inbox failed', '/email/inbox');
  list.add('error', 'agent failed', '/agents/demo');
  const mark = list.mark();
  list.add('success', 'Sent', '/email/compose');
  list.navigated('/email/thread/7', mark);
  expect(messages()).toEqual(['inbox failed', 'Sent']);
  // "Sent" now belongs to the email section: leaving it clears both.
  list.navigated('/', list.mark());
  expect(messages()).toEqual([]);
  list.close();
});
