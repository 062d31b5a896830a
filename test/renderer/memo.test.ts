import { buildSurface, column, keyedMemo, memo, text } from '../../renderer';

describe('memo', () => {
  it('returns the identical result for identical inputs, without rebuilding', () => {
    const build = jest.fn((name: string, count: number) => ({ name, count }));
    const view = memo(build);
    const first = view('inbox', 3);
    expect(view('inbox', 3)).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('compares by identity, not by structure', () => {
    const view = memo((state: { n: number }) => ({ doubled: state.n * 2 }));
    const state = { n: 1 };
    const first = view(state);
    expect(view(state)).toBe(first);
    const equalButNew = view({ n: 1 });
    expect(equalButNew).not.toBe(first);
    expect(equalButNew).toEqual(first);
  });

  it('rebuilds when any input changes, or the number of inputs changes', () => {
    const view = memo((...parts: string[]) => ({ joined: parts.join('-') }));
    const ab = view('a', 'b');
    const ac = view('a', 'c');
    expect(ac).not.toBe(ab);
    expect(ac.joined).toBe('a-c');
    const abc = view('a', 'c', 'x');
    expect(abc).not.toBe(ac);
    expect(view('a', 'c', 'x')).toBe(abc);
  });

  it('keeps one slot: going back to older inputs rebuilds', () => {
    const build = jest.fn((n: number) => ({ n }));
    const view = memo(build);
    const one = view(1);
    view(2);
    expect(view(1)).not.toBe(one);
    expect(build).toHaveBeenCalledTimes(3);
  });

  it('memoises calls without inputs', () => {
    const view = memo(() => ({}));
    expect(view()).toBe(view());
  });

  it('keeps the previous pair when build throws', () => {
    const view = memo((n: number) => {
      if (n < 0) throw new Error('negative');
      return { n };
    });
    const one = view(1);
    expect(() => view(-1)).toThrow('negative');
    expect(view(1)).toBe(one);
  });

  it('makes buildSurface reuse the identical node and component objects', () => {
    const header = memo((title: string) => text('header', { text: title, variant: 'h1' }));
    const first = buildSurface({ surfaceId: 'main', root: column('root', { children: [header('Inbox')] }) });
    const second = buildSurface({ surfaceId: 'main', root: column('root', { children: [header('Inbox')] }) });
    expect(second.components.header).toBe(first.components.header);
    expect(second.components.root).not.toBe(first.components.root);
    const third = buildSurface({ surfaceId: 'main', root: column('root', { children: [header('Sent')] }) });
    expect(third.components.header).not.toBe(first.components.header);
  });
});

describe('keyedMemo', () => {
  interface Mail {
    subject: string;
  }
  const mailA: Mail = { subject: 'A' };
  const mailB: Mail = { subject: 'B' };

  it('keeps one slot per key and passes the key to build', () => {
    const build = jest.fn((key: string, mail: Mail) => text(`mail-row-${key}`, { text: mail.subject }));
    const rowView = keyedMemo(build);
    const a = rowView('a', mailA);
    const b = rowView('b', mailB);
    expect(a.id).toBe('mail-row-a');
    expect(rowView('a', mailA)).toBe(a);
    expect(rowView('b', mailB)).toBe(b);
    expect(build).toHaveBeenCalledTimes(2);
    expect(build).toHaveBeenNthCalledWith(1, 'a', mailA);
  });

  it('rebuilds only the key whose input changed', () => {
    const rowView = keyedMemo((key: string, mail: Mail) => ({ key, subject: mail.subject }));
    const a = rowView('a', mailA);
    const b = rowView('b', mailB);
    const a2 = rowView('a', { subject: 'A, edited' });
    expect(a2).not.toBe(a);
    expect(a2.subject).toBe('A, edited');
    expect(rowView('b', mailB)).toBe(b);
  });

  it('sweep drops the keys not used since the previous sweep and keeps the used ones', () => {
    const build = jest.fn((key: string, mail: Mail) => ({ key, mail }));
    const rowView = keyedMemo(build);
    const a = rowView('a', mailA);
    const b = rowView('b', mailB);
    rowView.sweep();

    // Next render: only "a" is in the list.
    expect(rowView('a', mailA)).toBe(a);
    rowView.sweep();

    expect(rowView('a', mailA)).toBe(a);
    const b2 = rowView('b', mailB);
    expect(b2).not.toBe(b);
    expect(build).toHaveBeenCalledTimes(3);
  });

  it('sweep with no use since the last sweep forgets everything', () => {
    const rowView = keyedMemo((key: string) => ({ key }));
    const a = rowView('a');
    rowView.sweep();
    rowView.sweep();
    expect(rowView('a')).not.toBe(a);
  });

  it('a key rebuilt after a sweep counts as used', () => {
    const rowView = keyedMemo((key: string, n: number) => ({ key, n }));
    rowView('a', 1);
    rowView.sweep();
    const rebuilt = rowView('a', 2);
    rowView.sweep();
    expect(rowView('a', 2)).toBe(rebuilt);
  });
});
