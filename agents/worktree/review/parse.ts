/**
 * One file's unified diff (what `git diff -- <file>` prints) as hunks of numbered lines, parsed by
 * jsdiff's `parsePatch` (the `diff` package: it knows git's dialect — renames, binary files, modes,
 * "\ No newline at end of file"); here we only number the lines. A new, untracked file has no diff in
 * git: its diff is every line added, made here from its text.
 */
import { parsePatch } from 'diff';
import type { DiffHunk, DiffLine } from './model';

/** The hunks of a patch of one file (the first file section of `patch`); [] when it has none (a pure rename). */
export function parseFileHunks(patch: string): DiffHunk[] {
  const [file] = parsePatch(patch);
  if (!file) return [];
  return file.hunks.map((hunk) => {
    const lines: DiffLine[] = [];
    let oldNumber = hunk.oldStart;
    let newNumber = hunk.newStart;
    for (const raw of hunk.lines) {
      const marker = raw[0];
      const text = raw.slice(1);
      if (marker === '\\') {
        // "\ No newline at end of file" belongs to the line before it.
        const previous = lines.at(-1);
        if (previous) previous.noNewline = true;
      } else if (marker === '+') {
        lines.push({ kind: 'add', text, oldNumber: null, newNumber: newNumber++ });
      } else if (marker === '-') {
        lines.push({ kind: 'delete', text, oldNumber: oldNumber++, newNumber: null });
      } else {
        lines.push({ kind: 'context', text, oldNumber: oldNumber++, newNumber: newNumber++ });
      }
    }
    return { header: hunkHeader(hunk.oldStart, hunk.oldLines, hunk.newStart, hunk.newLines), oldStart: hunk.oldStart, oldLines: hunk.oldLines, newStart: hunk.newStart, newLines: hunk.newLines, lines };
  });
}

function hunkHeader(oldStart: number, oldLines: number, newStart: number, newLines: number): string {
  return `@@ -${oldStart},${oldLines} +${newStart},${newLines} @@`;
}

/** The lines of a text as git counts them: a last line without a newline is a line. */
export function textLines(text: string): { lines: string[]; endsWithNewline: boolean } {
  if (text === '') return { lines: [], endsWithNewline: true };
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  return { lines, endsWithNewline };
}

/** The diff of a new file: one hunk, every line added. */
export function addedFileHunks(text: string): DiffHunk[] {
  const { lines, endsWithNewline } = textLines(text);
  if (lines.length === 0) return [];
  const diffLines: DiffLine[] = lines.map((line, i) => ({ kind: 'add', text: line, oldNumber: null, newNumber: i + 1 }));
  if (!endsWithNewline) diffLines.at(-1)!.noNewline = true;
  return [{ header: hunkHeader(0, 0, 1, lines.length), oldStart: 0, oldLines: 0, newStart: 1, newLines: lines.length, lines: diffLines }];
}

/** Git's test for a binary file: a NUL byte in its first 8,000 bytes. */
export function looksBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}
