// Bad input never crashes the analyzer: it reports what it could and says what went wrong.
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../src/analyzer/index.js';

const BLOCKING = 'import asyncio\nimport time\n\nasync def poll():\n    time.sleep(1)\n';
const analyze = (content: string | Uint8Array, path = 'm.py') => analyzeFiles([{ path, content }]);

describe('robustness', () => {
  it('analyzes files with invalid UTF-8, says so, and keeps positions', async () => {
    const bytes = Buffer.concat([Buffer.from('# caf\xe9 \xff\xfe\n', 'latin1'), Buffer.from(BLOCKING)]);
    const result = await analyze(bytes);
    expect(result.findings.map((f) => [f.rule, f.line])).toEqual([['blocking-sleep', 6]]);
    expect(result.problems).toEqual([{ path: 'm.py', message: expect.stringContaining('not valid UTF-8') }]);
    expect(result.findings[0].fix?.replacement).toBe('    await asyncio.sleep(1)');
  });

  it('offers no fix that would rewrite bytes which were not UTF-8 (they were decoded as U+FFFD)', async () => {
    const latin1 = Buffer.from('# -*- coding: latin-1 -*-\nimport asyncio\nimport time\n\nasync def poll():\n    time.sleep(1)  # caf\xe9\n', 'latin1');
    const [finding] = (await analyze(latin1)).findings;
    expect(finding).toMatchObject({ rule: 'blocking-sleep', line: 6, fix: null });
  });

  it('ignores a BOM, handles CRLF and lone CR line ends, and counts columns in code points', async () => {
    const bom = await analyze(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(BLOCKING)]));
    expect(bom.findings.map((f) => [f.line, f.column])).toEqual([[5, 5]]);
    const crlf = await analyze(BLOCKING.replace(/\n/g, '\r\n'));
    expect(crlf.findings.map((f) => [f.line, f.column, f.code])).toEqual([[5, 5, '    time.sleep(1)']]);
    expect(crlf.findings[0].fix?.replacement).toBe('    await asyncio.sleep(1)');
    const cr = await analyze(BLOCKING.replace(/\n/g, '\r'));
    expect(cr.findings.map((f) => f.line)).toEqual([5]);
    const wide = await analyze('import time\nasync def f():\n    x = "😀😀"; time.sleep(1)\n');
    expect(wide.findings.map((f) => f.column)).toEqual([15]);
  });

  it('handles tabs, empty files and whitespace-only files', async () => {
    const tabs = await analyze('import time\nasync def f():\n\tif True:\n\t\ttime.sleep(1)\n');
    expect(tabs.findings.map((f) => [f.line, f.column])).toEqual([[4, 3]]);
    expect((await analyze('')).findings).toEqual([]);
    expect((await analyze('\n\n   \n')).findings).toEqual([]);
  });

  it('reports from the valid parts of a file with syntax errors, never from inside ERROR nodes', async () => {
    const source = `${BLOCKING}\ndef broken(:\n    time.sleep(1\n\nasync def later():\n    time.sleep(2)\n`;
    const result = await analyze(source);
    expect(result.findings.map((f) => f.line)).toContain(5);
    expect(result.findings.every((f) => !f.code.includes('time.sleep(1\n'))).toBe(true);
    expect(result.problems).toEqual([{ path: 'm.py', message: expect.stringContaining('syntax errors') }]);
  });

  // Python 3.12 (PEP 701) accepts all of these; tree-sitter-python reads `{x:=…}` as a walrus, which breaks where
  // the format spec is no expression (`=10.{p}f` swallowed the statements after it).
  const VALID_F_STRINGS = [
    'f"{x:=06.2f}"', 'f"{x:=^10}"', 'f"{x:=}"', 'f"{x:=,}"', 'f"{x:=10.{p}f}"', 'f"{x:=_=10}"', 'f"{ x :=10}"',
    'f"{x, y:=20}"', 'f"{a if b else c:=^10}"', 'f"{[f"{x:=4}"]}"',
    'f"{d["k"]}"', 'f"{x!r:>{width}}"', 'f"{x:{"="}>10}"', 'f"{"a" if x else "b"}"', 'f"{x=!r:^20}"',
  ];

  it.each(VALID_F_STRINGS)('analyzes the whole of a file with the valid f-string %s: no syntax error, findings after it', async (fString) => {
    const source = `import asyncio\nimport time\n\n\nasync def poll(x, y, a, b, c, d, p, width):\n    print(${fString})\n    time.sleep(1)\n\n\nasync def later():\n    time.sleep(2)\n`;
    const result = await analyze(source);
    expect(result.problems).toEqual([]);
    expect(result.findings.map((f) => [f.rule, f.line])).toEqual([['blocking-sleep', 7], ['blocking-sleep', 11]]);
    expect(result.findings[1].fix?.replacement).toBe('    await asyncio.sleep(2)');
  });

  it('reads `{name:=spec}` in an f-string as a format spec, not a walrus binding the name', async () => {
    const source = 'import time as t\n\n\nasync def poll():\n    print(f"{t:=10}")\n    t.sleep(1)\n';
    expect((await analyze(source)).findings.map((f) => [f.rule, f.line])).toEqual([['blocking-sleep', 6]]);
    // A real walrus, parenthesized (in an f-string) or in a set display, still binds the name.
    const walrus = 'import time as t\n\n\nasync def poll():\n    print(f"{(t:=10)}", {t:=3})\n    t.sleep(1)\n';
    expect((await analyze(walrus)).findings).toEqual([]);
  });

  it('reports nothing after an unterminated triple-quoted string, which Python reads to the end of the file', async () => {
    const source = `${BLOCKING}\nasync def a():\n    s = """unterminated\n    time.sleep(1)\n\nasync def b():\n    time.sleep(2)\n`;
    const result = await analyze(source);
    expect(result.findings.map((f) => f.line)).toEqual([5]);
    expect(result.problems).toEqual([{ path: 'm.py', message: expect.stringContaining('syntax errors') }]);
  });

  it('survives 500-deep nesting: what is nested deeper than real code is named as not analyzed, the rest is', async () => {
    const depth = 500;
    const nestedExpr = `x = ${'('.repeat(depth)}1${')'.repeat(depth)}\n`;
    const nestedBlocks = Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}if x:\n`).join('') + `${' '.repeat(depth)}pass\n`;
    const nestedDefs = Array.from({ length: 40 }, (_, i) => `${'    '.repeat(i)}async def f${i}():\n`).join('') + `${'    '.repeat(40)}time.sleep(1)\n`;
    const result = await analyze(`import time\n${nestedExpr}${nestedBlocks}${nestedDefs}`);
    expect(result.problems).toEqual([{ path: 'm.py', message: 'lines 2, 67–503 not analyzed: nested more than 128 levels deep' }]);
    expect(result.findings.map((f) => [f.rule, f.line])).toEqual([['blocking-sleep', 544]]);
  });

  it('survives a boolean chain of 20 000 terms (Python flattens it; generated code writes such)', async () => {
    const chain = Array.from({ length: 20000 }, () => 'a').join(' or ');
    const result = await analyze(`import asyncio\n\nasync def g():\n    pass\n\ndef f(a):\n    if ${chain} or g():\n        pass\n`);
    expect(result.problems).toEqual([]);
    expect(result.findings.map((f) => [f.rule, f.line])).toEqual([['missing-await', 7]]);
  });

  it('analyzes a 5 MB file', async () => {
    const chunk = 'async def handler_N(request):\n    data = await request.json()\n    return {"ok": data}\n\n';
    let source = 'import asyncio\nimport time\n';
    for (let i = 0; source.length < 5 * 1024 * 1024; i++) source += chunk.replace('N', String(i));
    source += 'async def last():\n    time.sleep(1)\n';
    const result = await analyze(source);
    expect(result.findings.map((f) => f.rule)).toEqual(['blocking-sleep']);
    expect(result.findings[0].line).toBe(source.split('\n').length - 1);
  });

  it('parses long runs of comment lines (which tree-sitter-python scans quadratically) and keeps positions', async () => {
    const comments = '# licence text, line after line\n'.repeat(20_000);
    const result = await analyze(`import asyncio\nimport time\n${comments}async def f():\n    time.sleep(1)  # noqa: ASYNC100\n`);
    expect(result.findings.map((f) => [f.line, f.column, f.code])).toEqual([[20_004, 5, '    time.sleep(1)  # noqa: ASYNC100']]);
  });

  it('skips a file over the size limit with a clear problem instead of parsing it', async () => {
    const result = await analyze(Buffer.alloc(11 * 1024 * 1024, 0x20));
    expect(result.findings).toEqual([]);
    expect(result.problems[0].message).toMatch(/over the \d+-byte limit/);
  });

  it('honours # async-review: skip-file', async () => {
    expect((await analyze(`# async-review: skip-file\n${BLOCKING}`)).findings).toEqual([]);
  });
});
