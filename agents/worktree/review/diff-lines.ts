/**
 * A page of a file's diff as data items for the review screen's line list: a List whose children are
 * a template over `/review/lines`, so the lines travel as data (one op per changed line) and the List
 * is sent once. Each item carries what its row shows (numbers, a marker icon, the text) and the
 * number that picking the line selects.
 */
import type { IconName } from '../../../renderer';
import type { DiffLine, FileDiff } from './model';
import type { LineSelection } from './state';

export interface LineItem {
  /** Unique within the page: `h<n>` for a hunk header, `o<old>-n<new>` for a line. */
  id: string;
  old: string;
  new: string;
  icon: IconName;
  text: string;
  /** `●` on the lines of the selection, `○` on the others (never empty: it is a button's words). */
  mark: string;
  /** The pick button's accessible name (a circle says little to a screen reader). */
  pick: string;
  /** What picking this line selects (0 for a hunk header: nothing). */
  line: number;
}

const ICONS: Readonly<Record<DiffLine['kind'], IconName>> = { add: 'add', delete: 'close', context: 'moreHoriz' };

/** The number a line is picked by: its new number, or its old one when it was deleted. */
export function lineNumberOf(line: DiffLine): number {
  return line.newNumber ?? line.oldNumber ?? 0;
}

export function lineItems(diff: FileDiff | null, selection: LineSelection | null): LineItem[] {
  if (!diff?.hunks) return [];
  const picked = selection && selection.file === diff.file.path ? selection : null;
  const items: LineItem[] = [];
  diff.hunks.forEach((hunk, h) => {
    items.push({ id: `h${h}-${hunk.oldStart}-${hunk.newStart}`, old: '', new: '', icon: 'info', text: hunk.header, mark: '·', pick: 'Hunk header: nothing to pick', line: 0 });
    for (const line of hunk.lines) {
      const number = lineNumberOf(line);
      items.push({
        id: `o${line.oldNumber ?? ''}-n${line.newNumber ?? ''}`,
        old: line.oldNumber === null ? '' : String(line.oldNumber),
        new: line.newNumber === null ? '' : String(line.newNumber),
        icon: ICONS[line.kind],
        text: line.noNewline ? `${line.text} ⏎̸` : line.text,
        mark: picked && number >= picked.from && number <= picked.to ? '●' : '○',
        pick: `Pick line ${number}`,
        line: number,
      });
    }
  });
  return items;
}

/** The text of the selected lines on this page, quoted for a comment. */
export function quotedLines(diff: FileDiff | null, selection: LineSelection): string[] {
  if (!diff?.hunks || diff.file.path !== selection.file) return [];
  return diff.hunks.flatMap((hunk) =>
    hunk.lines.filter((line) => lineNumberOf(line) >= selection.from && lineNumberOf(line) <= selection.to).map((line) => `> ${line.kind === 'add' ? '+' : line.kind === 'delete' ? '-' : ' '}${line.text}`),
  );
}
