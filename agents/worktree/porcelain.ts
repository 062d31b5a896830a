/**
 * `git worktree list --porcelain -z`: stanzas separated by an empty field, one attribute per
 * NUL-terminated field (NUL, not newline, so a path holding a newline cannot forge a stanza)
 * (`worktree <path>`, `HEAD <sha>`, `branch refs/heads/<name>` or `detached`, `bare`, `locked
 * [reason]`, `prunable [reason]`). The first stanza is the main worktree.
 */
export interface PorcelainWorktree {
  path: string;
  head: string;
  /** Short branch name, or null when detached (or bare). */
  branch: string | null;
  isMain: boolean;
  bare: boolean;
  locked: boolean;
  prunable: boolean;
}

export function parseWorktreeList(output: string): PorcelainWorktree[] {
  const entries: PorcelainWorktree[] = [];
  for (const stanza of output.split('\0\0')) {
    const lines = stanza.split('\0').filter((line) => line.length > 0);
    const first = lines[0];
    if (!first?.startsWith('worktree ')) continue;
    const entry: PorcelainWorktree = {
      path: first.slice('worktree '.length),
      head: '',
      branch: null,
      isMain: entries.length === 0,
      bare: false,
      locked: false,
      prunable: false,
    };
    for (const line of lines.slice(1)) {
      const space = line.indexOf(' ');
      const key = space === -1 ? line : line.slice(0, space);
      const value = space === -1 ? '' : line.slice(space + 1);
      if (key === 'HEAD') entry.head = value;
      else if (key === 'branch') entry.branch = value.replace(/^refs\/heads\//, '');
      else if (key === 'bare') entry.bare = true;
      else if (key === 'locked') entry.locked = true;
      else if (key === 'prunable') entry.prunable = true;
    }
    entries.push(entry);
  }
  return entries;
}
