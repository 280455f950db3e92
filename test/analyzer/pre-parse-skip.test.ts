// Modules that cannot hold a finding are skipped before parsing (engine.ts, mightHaveFindings). The test must
// never hide one: async code need not say `async` or `await` (trio, anyio, aiohttp calls in sync code).
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../src/analyzer/index.js';
import { findingsIn } from '../helpers/analyze.js';

describe('skipping modules before parsing', () => {
  it.each([
    ['trio', 'import trio\n\n\ndef main():\n    trio.sleep(1)\n'],
    ['anyio', 'from anyio import sleep\n\n\ndef main():\n    if sleep(1):\n        pass\n'],
    ['aiohttp', 'import aiohttp\n\n\ndef close(session: aiohttp.ClientSession):\n    session.close()\n'],
  ])('still analyzes a module that uses %s without saying async or await', async (_library, source) => {
    expect((await findingsIn(source)).map((f) => f.rule)).toEqual(['missing-await']);
  });

  it('skips a module with no async code, and parses one with some', async () => {
    const result = await analyzeFiles([
      { path: 'plain.py', content: 'import time\n\n\ndef wait():\n    time.sleep(1)\n' },
      { path: 'coroutine.py', content: 'import time\n\n\nasync def wait():\n    time.sleep(1)\n' },
    ]);
    expect(result).toMatchObject({ filesSkipped: 1, filesParsed: 1 });
    expect(result.findings.map((f) => [f.path, f.rule])).toEqual([['coroutine.py', 'blocking-sleep']]);
  });
});
