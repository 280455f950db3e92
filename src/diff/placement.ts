// Which findings a pull request reports (the filter mode) and where each can go: an inline comment whose
// whole range sits in one RIGHT-side hunk (else GitHub rejects the entire review with 422), or the summary.
import type { Finding } from '../analyzer/types.js';
import type { FilterMode } from '../config/index.js';
import { hunkContaining, type FileChanges, type Hunk } from './hunks.js';

export type Placement =
  /** Comment on RIGHT-side lines startLine..line. `suggestion`: the range is exactly the fix's lines, so a
   *  ```suggestion block replaces the right code. */
  | { kind: 'inline'; startLine: number; line: number; suggestion: boolean }
  /** outside-diff: no hunk holds the finding (filter `file`). unknown-diff: GitHub gave no patch. */
  | { kind: 'summary'; reason: 'outside-diff' | 'unknown-diff' };

export interface PlacedFinding {
  finding: Finding;
  placement: Placement;
  /** On lines the filter mode counts as changed: annotated, and counted for the check's conclusion. False
   *  only when the diff is unknown and the filter needs it; such findings are listed for information. */
  onChangedLines: boolean;
}

/** Keeps the findings the filter reports and places each. `changes` is keyed by path; null = the file
 *  changed but its diff is unknown. Findings in files absent from `changes` are dropped. */
export function placeFindings(
  findings: readonly Finding[],
  changes: ReadonlyMap<string, FileChanges | null>,
  filter: FilterMode,
): PlacedFinding[] {
  const placed: PlacedFinding[] = [];
  for (const finding of findings) {
    if (!changes.has(finding.path)) continue;
    const fileChanges = changes.get(finding.path) ?? null;
    if (fileChanges === null) {
      placed.push({
        finding,
        placement: { kind: 'summary', reason: 'unknown-diff' },
        onChangedLines: filter === 'file',
      });
      continue;
    }
    if (!isReported(finding, fileChanges, filter)) continue;
    placed.push({ finding, placement: place(finding, fileChanges, anchorHunk(finding, fileChanges, filter)), onChangedLines: true });
  }
  return placed;
}

function isReported(finding: Finding, changes: FileChanges, filter: FilterMode): boolean {
  if (filter === 'file') return true;
  // A new file without a patch has no hunks, but every one of its (added) lines is in the diff.
  if (filter === 'added' || changes.withoutPatch) return linesOf(finding).some((line) => changes.added.has(line));
  return changes.hunks.some((hunk) => overlaps(hunk, finding));
}

/** The hunk to anchor the comment in: for `added`, the one holding the finding's first added line. */
function anchorHunk(finding: Finding, changes: FileChanges, filter: FilterMode): Hunk | undefined {
  if (filter === 'added') {
    const line = linesOf(finding).find((candidate) => changes.added.has(candidate));
    return line === undefined ? undefined : changes.hunks.find((hunk) => hunk.start <= line && line <= hunk.end);
  }
  return changes.hunks.find((hunk) => overlaps(hunk, finding));
}

function linesOf(finding: Finding): number[] {
  return Array.from({ length: finding.endLine - finding.line + 1 }, (_, index) => finding.line + index);
}

function overlaps(hunk: Hunk, finding: Finding): boolean {
  return hunk.start <= finding.endLine && finding.line <= hunk.end;
}

function place(finding: Finding, changes: FileChanges, hunk: Hunk | undefined): Placement {
  const { fix } = finding;
  const fixHunk = fix ? hunkContaining(changes, fix.line, fix.endLine) : undefined;
  // A suggestion replaces exactly the commented lines, so it needs the fix's whole range in one hunk (the
  // finding's own hunk, so the comment stays next to what it is about).
  if (fix && fixHunk && (hunk === undefined || fixHunk === hunk)) {
    return { kind: 'inline', startLine: fix.line, line: fix.endLine, suggestion: true };
  }
  if (!hunk) return { kind: 'summary', reason: changes.withoutPatch ? 'unknown-diff' : 'outside-diff' };
  return {
    kind: 'inline',
    startLine: Math.max(finding.line, hunk.start),
    line: Math.min(finding.endLine, hunk.end),
    suggestion: false,
  };
}
