// Rules whose findings depend on the project's supported Pythons: reported where the range reaches (or starts
// below) the version that matters, quiet where it does not.
import { describe, expect, it } from 'vitest';
import { findRule } from '../../rules/index.js';
import type { PythonRange } from '../../src/analyzer/types.js';
import { findingsIn } from '../helpers/analyze.js';

async function reported(ruleName: string, source: string, targetPython?: PythonRange): Promise<number[]> {
  const rule = findRule(ruleName)!;
  const findings = await findingsIn(source, { rules: [rule], path: 'app/module.py', project: targetPython ? { targetPython } : {} });
  return findings.map((f) => f.line);
}

describe('wait-with-coroutines', () => {
  const source = `import asyncio


async def fetch(url):
    await asyncio.sleep(0)


async def main(urls):
    await asyncio.wait([fetch(url) for url in urls])
`;
  it('reports where the project may run on 3.11 or later', async () => {
    expect(await reported('wait-with-coroutines', source)).toEqual([9]);
    expect(await reported('wait-with-coroutines', source, { oldest: [3, 8] })).toEqual([9]);
    expect(await reported('wait-with-coroutines', source, { oldest: [3, 8], below: [3, 12] })).toEqual([9]);
  });
  it('is quiet where every supported Python is older than 3.11', async () => {
    expect(await reported('wait-with-coroutines', source, { oldest: [3, 7], below: [3, 11] })).toEqual([]);
  });
});
