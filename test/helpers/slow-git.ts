/**
 * A git that can be made slow, for time-limit tests: a wrapper named `git` in its own folder (put the
 * folder first on PATH, or pass `binary` to the service). While the gate is shut, `git worktree add`
 * waits: in `after` mode once the real git has done its work (the worktree and branch exist: the worst
 * moment to give up on it), in `before` mode before the real git runs (a git that would do its work
 * later). `waitingPid()` is the pid of a wrapper that is waiting now.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './server';

export interface SlowGit {
  /** The folder holding the wrapper `git`. */
  dir: string;
  binary: string;
  shut(mode: 'before' | 'after'): void;
  open(): void;
  /** The pid of a wrapper waiting at the gate, read from its marker. */
  waitingPid(): number | undefined;
}

/** The real git on PATH (before the wrapper's folder is put in front of it). */
function realGit(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'git');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error('git is not on PATH');
}

export function slowGit(): SlowGit {
  const dir = tempDir('a2ui-slow-git-');
  const gate = path.join(dir, 'gate');
  const marker = path.join(dir, 'waiting');
  const binary = path.join(dir, 'git');
  const real = realGit();
  // A shell script: git runs often during a create, and a Node.js wrapper would make every run slow.
  const script = `#!/bin/sh
if [ "$1" = worktree ] && [ "$2" = add ] && [ -f '${gate}' ]; then
  mode=$(cat '${gate}')
  status=0
  if [ "$mode" = after ]; then '${real}' "$@"; status=$?; fi
  echo $$ > '${marker}'
  while [ -f '${gate}' ]; do sleep 0.02; done
  rm -f '${marker}'
  if [ "$mode" = after ]; then exit $status; fi
fi
exec '${real}' "$@"
`;
  fs.writeFileSync(binary, script, { mode: 0o755 });
  return {
    dir,
    binary,
    shut: (mode) => {
      fs.rmSync(marker, { force: true }); // a killed wrapper's marker stays behind
      fs.writeFileSync(gate, mode);
    },
    open: () => fs.rmSync(gate, { force: true }),
    waitingPid: () => (fs.existsSync(marker) ? Number(fs.readFileSync(marker, 'utf8')) || undefined : undefined),
  };
}
