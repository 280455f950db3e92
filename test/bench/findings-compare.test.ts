// The benchmark's comparison with ruff decides which findings count as "the same": test that logic on
// small hand-made inputs, since a wrong match would silently hide or invent differences in BENCHMARKS.md.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFindings, differencesMarkdown, isComparedRuffCode } from '../../bench/findings-compare.js';
import { verdict } from '../../bench/markdown.js';

const rules = [
  { name: 'blocking-sleep', aliases: ['ASYNC251'] },
  { name: 'dangling-task', aliases: ['RUF006', 'ASYNC300'] },
  { name: 'nested-event-loop', aliases: [] },
];

function corpus(): string {
  const root = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  mkdirSync(join(root, 'pkg'));
  writeFileSync(join(root, 'pkg', 'a.py'), 'import time\nasync def f():\n    time.sleep(1)\n    asyncio.create_task(\n        g())\n');
  return root;
}

describe('compareFindings', () => {
  it('matches a ruff diagnostic to our finding of the aliased rule when its line lies within ours', () => {
    const result = compareFindings(
      [
        { rule: 'blocking-sleep', path: 'pkg/a.py', line: 3, endLine: 3 },
        { rule: 'dangling-task', path: 'pkg/a.py', line: 4, endLine: 5 },
      ],
      [
        { code: 'ASYNC251', path: 'pkg/a.py', line: 3, column: 5 },
        { code: 'RUF006', path: 'pkg/a.py', line: 5, column: 9 },
      ],
      rules,
      isComparedRuffCode,
      corpus(),
    );
    expect(result.shared.map((s) => [s.rule, s.ours, s.ruff, s.both, s.onlyOurs.length, s.onlyRuff.length])).toEqual([
      ['blocking-sleep', 1, 1, 1, 0, 0],
      ['dangling-task', 1, 1, 1, 0, 0],
    ]);
  });

  it('lists each side’s unmatched findings with the source line, and never matches across rules or files', () => {
    const result = compareFindings(
      [{ rule: 'blocking-sleep', path: 'pkg/a.py', line: 3, endLine: 3 }],
      [
        { code: 'RUF006', path: 'pkg/a.py', line: 3, column: 5 },
        { code: 'ASYNC251', path: 'pkg/b.py', line: 3, column: 5 },
      ],
      rules,
      isComparedRuffCode,
      corpus(),
    );
    const sleep = result.shared.find((s) => s.rule === 'blocking-sleep')!;
    expect(sleep.onlyOurs).toEqual([{ rule: 'blocking-sleep', path: 'pkg/a.py', line: 3, code: 'blocking-sleep', source: 'time.sleep(1)' }]);
    expect(sleep.onlyRuff.map((d) => d.path)).toEqual(['pkg/b.py']);
    expect(result.shared.find((s) => s.rule === 'dangling-task')!.onlyRuff.map((d) => d.line)).toEqual([3]);
    const markdown = differencesMarkdown(result);
    expect(markdown).toContain('`pkg/a.py:3`: `time.sleep(1)`');
    expect(markdown).toContain('`pkg/b.py:3` ASYNC251');
  });

  it('keeps ruff codes without an aliasing rule, and our rules without a ruff code, out of the comparison', () => {
    const result = compareFindings(
      [{ rule: 'nested-event-loop', path: 'pkg/a.py', line: 2 }],
      [{ code: 'ASYNC109', path: 'pkg/a.py', line: 2, column: 1 }],
      rules,
      isComparedRuffCode,
      corpus(),
    );
    expect(result.ruffCodesWithoutCounterpart).toEqual(['ASYNC109']);
    expect(result.ourRulesWithoutCounterpart).toEqual(['nested-event-loop']);
    expect(result.uncompared).toEqual([{ rule: 'nested-event-loop', path: 'pkg/a.py', line: 2, code: 'nested-event-loop', source: 'async def f():' }]);
    expect(result.shared.every((s) => s.ours === 0 && s.ruff === 0)).toBe(true);
  });

  it('treats an alias the selection does not know as no counterpart (e.g. codes ruff never implemented)', () => {
    const result = compareFindings(
      [{ rule: 'dangling-task', path: 'pkg/a.py', line: 4, endLine: 5 }],
      [],
      rules,
      (code) => code === 'ASYNC251',
      corpus(),
    );
    expect(result.shared.map((s) => s.rule)).toEqual(['blocking-sleep']);
    expect(result.ourRulesWithoutCounterpart).toEqual(['dangling-task']);
  });
});

describe('verdict', () => {
  it('says by how much a target is missed', () => {
    expect(verdict(183, 100, (v) => `${v} ms`)).toBe('**missed** by 83 ms (183 ms > 100 ms)');
    expect(verdict(90, 100, (v) => `${v} ms`)).toBe('**met** (90 ms ≤ 100 ms)');
    expect(verdict(undefined, 100, String)).toBe('not measured');
  });
});
