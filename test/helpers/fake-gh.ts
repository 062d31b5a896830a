/**
 * A fake GitHub CLI: a small node script installed as `gh` in a fresh folder, to put first on PATH.
 * It records every argument vector (one JSON array per line) and answers like gh does for what the
 * product uses: `--version`, `auth status` (signed in unless made signed out), `pr create`
 * (`--head=`, `--base=`, `--title=`, `--body=`; prints the new URL) and `pr view <branch> --json
 * url,state` (JSON, or "no pull requests found" and exit 1).
 */
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './server';

const SCRIPT = `#!/usr/bin/env node
'use strict';
const fs = require('node:fs');
const dir = __dirname;
const args = process.argv.slice(2);
fs.appendFileSync(dir + '/calls.jsonl', JSON.stringify(args) + '\\n');
const stateFile = dir + '/prs.json';
const prs = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
const flag = (name) => { const a = args.find((x) => x.startsWith('--' + name + '=')); return a === undefined ? undefined : a.slice(name.length + 3); };
if (args[0] === '--version') { console.log('gh version 2.99.0 (fake)'); process.exit(0); }
if (args[0] === 'auth' && args[1] === 'status') {
  if (fs.existsSync(dir + '/signed-out')) { console.error('You are not logged into any GitHub hosts. To log in, run: gh auth login'); process.exit(1); }
  console.error('github.com\\n  ✓ Logged in to github.com account tester (keyring)'); process.exit(0);
}
if (args[0] === 'pr' && args[1] === 'create') {
  const head = flag('head');
  if (!head || !flag('title') || flag('body') === undefined || !flag('base')) { console.error('missing flags'); process.exit(2); }
  const number = Object.keys(prs).length + 1;
  prs[head] = { url: 'https://github.com/owner/repo/pull/' + number, state: 'OPEN', title: flag('title'), body: flag('body'), base: flag('base') };
  fs.writeFileSync(stateFile, JSON.stringify(prs));
  console.log(prs[head].url);
  process.exit(0);
}
if (args[0] === 'pr' && args[1] === 'view') {
  const pr = prs[args[2]];
  if (!pr) { console.error('no pull requests found for branch "' + args[2] + '"'); process.exit(1); }
  console.log(JSON.stringify({ state: pr.state, url: pr.url }));
  process.exit(0);
}
console.error('unknown command ' + args.join(' '));
process.exit(1);
`;

export interface FakeGh {
  /** Put this first on PATH. */
  binDir: string;
  /** Every argument vector gh was run with, in order. */
  calls(): string[][];
  /** The pull requests it holds, by head branch. */
  pullRequests(): Record<string, { url: string; state: string; title: string; body: string; base: string }>;
  signOut(): void;
  /** `PATH` with the fake first. */
  path: string;
}

export function installFakeGh(): FakeGh {
  const binDir = tempDir('a2ui-fake-gh-');
  fs.writeFileSync(path.join(binDir, 'gh'), SCRIPT, { mode: 0o755 });
  const read = (file: string) => (fs.existsSync(path.join(binDir, file)) ? fs.readFileSync(path.join(binDir, file), 'utf8') : '');
  return {
    binDir,
    calls: () => read('calls.jsonl').split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]),
    pullRequests: () => JSON.parse(read('prs.json') || '{}'),
    signOut: () => fs.writeFileSync(path.join(binDir, 'signed-out'), ''),
    path: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
  };
}

/** A PATH on which no `gh` can be found: an empty folder. */
export function pathWithoutGh(): string {
  return tempDir('a2ui-no-gh-');
}
