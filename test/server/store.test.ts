import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../server/app/store';
import { tempDir } from '../helpers/server';

describe('openStore (lowdb)', () => {
  test('creates missing folders and a real file with mode 0600, kept on rewrite', async () => {
    const file = path.join(tempDir(), 'a', 'b', 'state.json');
    const db = await openStore(file, { n: 0 });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ n: 0 });
    db.data.n = 5;
    await db.write();
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ n: 5 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = await openStore(file, { n: 0 });
    expect(again.data.n).toBe(5);
  });

  test('overlapping writes coalesce and the last data wins', async () => {
    const file = path.join(tempDir(), 'state.json');
    const db = await openStore(file, { n: 0 });
    const writes: Promise<void>[] = [];
    for (let i = 1; i <= 50; i++) {
      db.data.n = i;
      writes.push(db.write());
    }
    await Promise.all(writes);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ n: 50 });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  test('a corrupt file is moved aside, not overwritten, and the store starts fresh', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, '{"n": 1, broken');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const db = await openStore(file, { n: 0 });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('was not valid JSON'));
    warn.mockRestore();
    expect(db.data).toEqual({ n: 0 });
    const aside = fs.readdirSync(dir).find((f) => f.startsWith('state.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(fs.readFileSync(path.join(dir, aside!), 'utf8')).toBe('{"n": 1, broken');
  });

  test('defaults are copied, never shared between stores', async () => {
    const defaults = { list: [] as number[] };
    const a = await openStore(path.join(tempDir(), 'a.json'), defaults);
    a.data.list.push(1);
    const b = await openStore(path.join(tempDir(), 'b.json'), defaults);
    expect(b.data.list).toEqual([]);
  });
});
