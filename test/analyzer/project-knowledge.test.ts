// Knowledge of the project's other modules plugs in through ProjectKnowledge (the coming cross-file issue
// fills it from an index of every module); without it, an imported function is unknown and stays silent.
import { describe, expect, it } from 'vitest';
import { findingsIn } from '../helpers/analyze.js';

const CALLER = `from .client import fetch
from pkg import client as c


async def refresh():
    fetch("a")
    c.fetch("b")
    await fetch("c")
`;

describe('project knowledge', () => {
  it('stays silent about functions of other modules it knows nothing of', async () => {
    expect(await findingsIn(CALLER, { path: 'pkg/jobs.py' })).toEqual([]);
  });

  it('reports discarded calls to coroutine functions the project defines elsewhere, through relative and aliased imports', async () => {
    const findings = await findingsIn(CALLER, { path: 'pkg/jobs.py', project: { coroutineFunctions: new Set(['pkg.client.fetch']) } });
    expect(findings.map((f) => [f.rule, f.line, f.fix?.replacement])).toEqual([
      ['missing-await', 6, '    await fetch("a")'],
      ['missing-await', 7, '    await c.fetch("b")'],
    ]);
  });
});
