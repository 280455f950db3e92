// Diff patches as GitHub's pulls/{n}/files returns them (git's unified diff, hunks only, no file headers),
// and the question GitHub asks of every review comment: is this line inside a hunk on this side?
// Deliberately independent of src/diff so that the fake cannot share a bug with the code under test.
import { parsePatch, structuredPatch } from 'diff';

export type Side = 'LEFT' | 'RIGHT';

export interface HunkRange {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
}

/** The patch GitHub shows for a file changed from `before` to `after` (null = absent), or undefined when
 *  nothing changed. Three lines of context, like git. */
export function makePatch(before: string | null, after: string | null): string | undefined {
  // Whole-file additions and removals need no diff (and Myers' diff is quadratic on them).
  if (!before || !after) return wholeFilePatch(before || after || '', before ? '-' : '+');
  const { hunks } = structuredPatch('a', 'b', before ?? '', after ?? '', '', '', { context: 3 });
  if (hunks.length === 0) return undefined;
  return hunks
    .map((hunk) => {
      const header = `@@ -${gitRange(hunk.oldStart, hunk.oldLines)} +${gitRange(hunk.newStart, hunk.newLines)} @@`;
      return [header, ...hunk.lines].join('\n');
    })
    .join('\n');
}

function wholeFilePatch(content: string, sign: '+' | '-'): string | undefined {
  if (content === '') return undefined;
  const lines = content.split('\n');
  const noNewlineAtEnd = lines.at(-1) !== '';
  if (!noNewlineAtEnd) lines.pop();
  const range = gitRange(1, lines.length);
  const header = sign === '+' ? `@@ -0,0 +${range} @@` : `@@ -${range} +0,0 @@`;
  return [header, ...lines.map((line) => sign + line), ...(noNewlineAtEnd ? ['\\ No newline at end of file'] : [])].join('\n');
}

/** git writes an empty range as the line before it ("-0,0" for an added file) and omits a count of 1. */
function gitRange(start: number, count: number): string {
  if (count === 0) return `${Math.max(0, start - 1)},0`;
  return count === 1 ? String(start) : `${start},${count}`;
}

export function countChanges(patch: string | undefined): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const line of (patch ?? '').split('\n')) {
    if (line.startsWith('+')) additions++;
    else if (line.startsWith('-')) deletions++;
  }
  return { additions, deletions };
}

export function hunkRanges(patch: string | undefined): HunkRange[] {
  if (!patch) return [];
  return parsePatch(patch)[0]?.hunks.map(({ oldStart, oldLines, newStart, newLines }) => ({
    oldStart,
    oldLines,
    newStart,
    newLines,
  })) ?? [];
}

/** Index of the hunk containing `line` on `side`, or -1. Context lines count: GitHub accepts a comment on
 *  any line the diff view shows on that side. */
export function hunkIndexOf(patch: string | undefined, line: number, side: Side): number {
  return hunkRanges(patch).findIndex((hunk) => {
    const start = side === 'RIGHT' ? hunk.newStart : hunk.oldStart;
    const count = side === 'RIGHT' ? hunk.newLines : hunk.oldLines;
    return count > 0 && line >= start && line < start + count;
  });
}

/** Number of lines below the first "@@" line (the deprecated `position` of a review comment counts these). */
export function positionCount(patch: string | undefined): number {
  if (!patch) return 0;
  return patch.split('\n').length - 1;
}

/** The `diff_hunk` GitHub stores with a review comment: the hunk's header and lines down to the comment. */
export function diffHunkFor(patch: string | undefined, line: number, side: Side): string {
  if (!patch) return '';
  const lines = patch.split('\n');
  let header = -1;
  let oldLine = 0;
  let newLine = 0;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index]!;
    const match = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (match) {
      header = index;
      oldLine = Number(match[1]);
      newLine = Number(match[2]);
      continue;
    }
    if (text.startsWith('\\')) continue;
    const onRight = !text.startsWith('-');
    const onLeft = !text.startsWith('+');
    if ((side === 'RIGHT' && onRight && newLine === line) || (side === 'LEFT' && onLeft && oldLine === line)) {
      return lines.slice(header, index + 1).join('\n');
    }
    if (onRight) newLine++;
    if (onLeft) oldLine++;
  }
  return '';
}
