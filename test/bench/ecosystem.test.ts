// The ecosystem check's diff against the baseline of verdicts, and the fix-safety check's pieces.
import { describe, expect, it } from 'vitest';
import { diffAgainstBaseline, keyFindings, precisionOf, type JudgedFinding, type ReportedFinding } from '../../bench/ecosystem-baseline.js';
import { apisTooNew, applyFix } from '../../bench/fix-safety.js';

const finding = (line: number, code: string, rule = 'blocking-sleep'): ReportedFinding => ({ rule, path: 'pkg/a.py', line, code, message: 'm', fix: null });
const judged = (key: string, verdict: JudgedFinding['verdict']): JudgedFinding => ({ key, rule: key.split('|')[0]!, path: 'pkg/a.py', line: 1, verdict, reason: 'r' });

describe('ecosystem baseline', () => {
  it('keys findings by rule, path and code, not by line, and tells identical ones apart by order', () => {
    const keys = keyFindings([finding(3, '    time.sleep(1)'), finding(9, '    time.sleep(1)'), finding(12, '    time.sleep(2)')]).map((f) => f.key);
    expect(keys).toEqual(['blocking-sleep|pkg/a.py|time.sleep(1)||0', 'blocking-sleep|pkg/a.py|time.sleep(1)||1', 'blocking-sleep|pkg/a.py|time.sleep(2)||0']);
    expect(keyFindings([finding(40, '    time.sleep(1)')])[0]!.key).toBe(keys[0]);
    // The function the message names tells apart identical lines in two functions, whichever goes away.
    const inFunctions = keyFindings([{ ...finding(3, 'except E:'), message: 'in coroutine `A.run`: x' }, { ...finding(9, 'except E:'), message: 'in coroutine `A.stop`: x' }]);
    expect(inFunctions.map((f) => f.key)).toEqual(['blocking-sleep|pkg/a.py|except E:|A.run|0', 'blocking-sleep|pkg/a.py|except E:|A.stop|0']);
  });

  it('shows what a change added and dropped, and the precision of what is reported', () => {
    const reported = keyFindings([finding(3, 'time.sleep(1)'), finding(4, 'time.sleep(2)'), finding(5, 'time.sleep(3)'), finding(6, 'new()')]);
    const baseline = [
      judged('blocking-sleep|pkg/a.py|time.sleep(1)||0', 'TP'),
      judged('blocking-sleep|pkg/a.py|time.sleep(2)||0', 'FP'),
      judged('blocking-sleep|pkg/a.py|time.sleep(3)||0', 'debatable'),
      judged('blocking-sleep|pkg/a.py|gone()||0', 'TP'),
    ];
    const diff = diffAgainstBaseline(reported, baseline);
    expect(diff.added.map((f) => f.code)).toEqual(['new()']);
    expect(diff.dropped.map((entry) => entry.key)).toEqual(['blocking-sleep|pkg/a.py|gone()||0']);
    expect(precisionOf(diff)).toEqual({ tp: 1, fp: 1, debatable: 1, unjudged: 1, precision: 0.5, strict: 1 / 3 });
  });
});

describe('fix safety', () => {
  it('applies a whole-line fix and keeps CRLF line ends', () => {
    expect(applyFix('a\r\nb\r\nc\r\n', { line: 2, endLine: 2, replacement: 'x\ny' })).toBe('a\r\nx\r\ny\r\nc\r\n');
  });

  it('flags APIs a fix introduces that the oldest supported Python lacks, not ones the code had already', () => {
    expect(apisTooNew('time.sleep(1)', 'await asyncio.to_thread(f)', [3, 8])).toEqual(['asyncio.to_thread needs 3.9']);
    expect(apisTooNew('time.sleep(1)', 'await asyncio.to_thread(f)', [3, 9])).toEqual([]);
    expect(apisTooNew('x = await asyncio.to_thread(g)', 'x = await asyncio.to_thread(g)', [3, 6])).toEqual([]);
    expect(apisTooNew('asyncio.get_event_loop()', 'asyncio.get_running_loop()', [3, 6])).toEqual(['asyncio.get_running_loop needs 3.7']);
  });
});
