/**
 * Pages of a diff: a page holds at most `pageSize` diff lines. A hunk that straddles a page boundary
 * is cut in two and each part keeps the hunk's header; the lines carry their own numbers, so a part
 * reads right on its own.
 */
import type { DiffHunk } from './model';

export function pageHunks(hunks: readonly DiffHunk[], page: number, pageSize: number): { hunks: DiffHunk[]; page: number; pages: number; pageSize: number; totalLines: number } {
  const totalLines = hunks.reduce((sum, hunk) => sum + hunk.lines.length, 0);
  const pages = Math.max(1, Math.ceil(totalLines / pageSize));
  const current = Math.min(Math.max(1, page), pages);
  const first = (current - 1) * pageSize;
  const end = first + pageSize;
  const out: DiffHunk[] = [];
  let offset = 0;
  for (const hunk of hunks) {
    const start = offset;
    offset += hunk.lines.length;
    if (offset <= first || start >= end) continue;
    const from = Math.max(0, first - start);
    const to = Math.min(hunk.lines.length, end - start);
    out.push(from === 0 && to === hunk.lines.length ? hunk : { ...hunk, lines: hunk.lines.slice(from, to) });
  }
  return { hunks: out, page: current, pages, pageSize, totalLines };
}
