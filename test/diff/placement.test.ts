import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/analyzer/types.js';
import { parseFilePatch, type FileChanges } from '../../src/diff/hunks.js';
import { placeFindings } from '../../src/diff/placement.js';

// Lines 1-6 are a hunk whose added lines are 3 and 4; lines 20-22 a hunk with no added line (context only
// around a deletion); line 40 is outside every hunk.
const PATCH = [
  '@@ -1,4 +1,6 @@',
  ' import asyncio',
  ' import time',
  '+async def main():',
  '+    time.sleep(1)',
  ' ',
  ' x = 1',
  '@@ -20,4 +22,3 @@',
  ' a',
  '-b',
  ' c',
  ' d',
].join('\n');

function finding(line: number, endLine = line, fix: Finding['fix'] = null): Finding {
  return {
    rule: 'blocking-sleep',
    severity: 'error',
    path: 'app.py',
    line,
    column: 5,
    endLine,
    endColumn: 18,
    message: 'time.sleep() blocks the event loop in main()',
    code: '    time.sleep(1)',
    fix,
    corrected: '    await asyncio.sleep(1)',
  };
}

function changesFor(patch: string | null): Map<string, FileChanges | null> {
  return new Map([['app.py', parseFilePatch(patch)]]);
}

describe('placeFindings', () => {
  it('added: reports findings touching an added line and drops the rest', () => {
    const placed = placeFindings([finding(4), finding(2), finding(23), finding(40)], changesFor(PATCH), 'added');
    expect(placed.map((p) => p.finding.line)).toEqual([4]);
    expect(placed[0].placement).toEqual({ kind: 'inline', startLine: 4, line: 4, suggestion: false });
    expect(placed[0].onChangedLines).toBe(true);
  });

  it('anchors a suggestion on exactly the fix lines when they sit in the hunk', () => {
    const fix = { line: 4, endLine: 4, replacement: '    await asyncio.sleep(1)' };
    const [placed] = placeFindings([finding(4, 4, fix)], changesFor(PATCH), 'added');
    expect(placed.placement).toEqual({ kind: 'inline', startLine: 4, line: 4, suggestion: true });
  });

  it('falls back to a plain comment clamped to the hunk when the fix reaches outside it', () => {
    const fix = { line: 5, endLine: 8, replacement: 'x' };
    const [placed] = placeFindings([finding(4, 8, fix)], changesFor(PATCH), 'added');
    expect(placed.placement).toEqual({ kind: 'inline', startLine: 4, line: 6, suggestion: false });
  });

  it('diff_context: also reports findings on context lines of a hunk', () => {
    const placed = placeFindings([finding(2), finding(23), finding(40)], changesFor(PATCH), 'diff_context');
    expect(placed.map((p) => [p.finding.line, p.placement.kind])).toEqual([
      [2, 'inline'],
      [23, 'inline'],
    ]);
  });

  it('file: reports everything in the file, inline only inside hunks', () => {
    const placed = placeFindings([finding(23), finding(40)], changesFor(PATCH), 'file');
    expect(placed.map((p) => p.placement)).toEqual([
      { kind: 'inline', startLine: 23, line: 23, suggestion: false },
      { kind: 'summary', reason: 'outside-diff' },
    ]);
    expect(placed.every((p) => p.onChangedLines)).toBe(true);
  });

  it('never anchors a range across two hunks', () => {
    const [placed] = placeFindings([finding(5, 23)], changesFor(PATCH), 'diff_context');
    expect(placed.placement).toEqual({ kind: 'inline', startLine: 5, line: 6, suggestion: false });
  });

  it('without a patch: summary only, counted as changed only in file mode', () => {
    for (const filter of ['added', 'diff_context', 'file'] as const) {
      const [placed] = placeFindings([finding(4)], changesFor(null), filter);
      expect(placed.placement).toEqual({ kind: 'summary', reason: 'unknown-diff' });
      expect(placed.onChangedLines).toBe(filter === 'file');
    }
  });

  it('reports a new file without a patch from its known added lines, in the summary', () => {
    const changes = new Map([['app.py', { hunks: [], added: new Set([1, 2, 3, 4, 5]), withoutPatch: true }]]);
    for (const filter of ['added', 'diff_context'] as const) {
      // Every line of a new file is in its diff, whether the filter asks for added lines or hunks.
      const placed = placeFindings([finding(4), finding(9)], changes, filter);
      expect(placed).toEqual([{ finding: finding(4), placement: { kind: 'summary', reason: 'unknown-diff' }, onChangedLines: true }]);
    }
  });

  it('drops findings in files that are not part of the change', () => {
    expect(placeFindings([{ ...finding(4), path: 'other.py' }], changesFor(PATCH), 'file')).toEqual([]);
  });
});
