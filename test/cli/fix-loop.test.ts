// The pieces of --fix on their own: which fixes one round applies, and a round that would break the syntax.
import { describe, expect, it } from 'vitest';
import type { AnalysisResult, Finding, Fix } from '../../src/analyzer/types.js';
import { applyFixes } from '../../src/cli/apply-fixes.js';
import { fixUntilStable } from '../../src/cli/fix-loop.js';

const fix = (line: number, endLine: number, replacement: string): Fix => ({ line, endLine, replacement });

describe('applyFixes', () => {
  it('takes fixes that do not overlap, counts an identical one as applied, and leaves the others for the next round', () => {
    const { content, applied } = applyFixes(Buffer.from('a\nb\nc\nd\n'), [fix(1, 2, 'AB'), fix(2, 2, 'B'), fix(1, 2, 'AB'), fix(4, 4, 'D')]);
    expect(content.toString()).toBe('AB\nc\nD\n');
    expect(applied).toHaveLength(3);
  });

  it('numbers lines as the analyzer does (a lone \\r ends one) and keeps each line end', () => {
    const { content } = applyFixes(Buffer.from('a\rb\r\nc'), [fix(2, 2, 'x\ny'), fix(3, 3, 'C')]);
    expect(content.toString()).toBe('a\rx\r\ny\r\nC');
  });

  it('skips a fix that would change nothing, or lies outside the file', () => {
    expect(applyFixes(Buffer.from('a\n'), [fix(1, 1, 'a'), fix(3, 3, 'z')]).applied).toEqual([]);
  });
});

describe('fixUntilStable', () => {
  const finding = (path: string, replacement: string): Finding => ({
    rule: 'blocking-sleep', severity: 'error', path, line: 1, column: 1, endLine: 1, endColumn: 2, message: 'm', code: 'x', fix: fix(1, 1, replacement), corrected: replacement,
  });

  it('leaves a file as it was when its fixes would introduce a syntax error', async () => {
    const first: AnalysisResult = { findings: [finding('bad.py', 'def ('), finding('good.py', 'y')], problems: [], filesParsed: 2, filesSkipped: 0 };
    const analyze = async (files: { path: string }[]): Promise<AnalysisResult> => ({
      findings: [],
      problems: files.filter((file) => file.path === 'bad.py').map((file) => ({ path: file.path, message: 'syntax errors: only the valid parts were analyzed' })),
      filesParsed: files.length,
      filesSkipped: 0,
    });
    const outcome = await fixUntilStable([{ path: 'bad.py', content: 'x\n' }, { path: 'good.py', content: 'x\n' }], first, analyze);
    expect([...outcome.fixed.keys()]).toEqual(['good.py']);
    expect(outcome.reverted).toEqual(['bad.py']);
    expect(outcome.applied).toBe(1);
    expect(outcome.result.findings.map((f) => f.path)).toEqual(['bad.py']); // still reported, unfixed
  });
});
