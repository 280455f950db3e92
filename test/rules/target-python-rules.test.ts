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

describe('Python 3.14 removals and deprecations', () => {
  const source = `import asyncio
import inspect


def setup(handler):
    asyncio.set_event_loop_policy(asyncio.DefaultEventLoopPolicy())
    asyncio.get_child_watcher()
    return asyncio.iscoroutinefunction(handler)
`;
  it('reports removed child watchers where the project reaches 3.14', async () => {
    expect(await reported('removed-asyncio-api', source)).toEqual([7]);
    expect(await reported('removed-asyncio-api', source, { oldest: [3, 9], below: [3, 14] })).toEqual([]);
  });
  it('reports the policy API only where every supported Python has loop_factory (3.12)', async () => {
    expect(await reported('deprecated-asyncio-api', source)).toEqual([8]);
    expect(await reported('deprecated-asyncio-api', source, { oldest: [3, 12] })).toEqual([6, 6, 8]);
    expect(await reported('deprecated-asyncio-api', source, { oldest: [3, 12], below: [3, 14] })).toEqual([]);
  });
  it('fixes asyncio.iscoroutinefunction only where inspect is imported and every Python is 3.12 or later', async () => {
    const rule = findRule('deprecated-asyncio-api')!;
    const fixes = async (targetPython: PythonRange) => (await findingsIn(source, { rules: [rule], path: 'app/module.py', project: { targetPython } }))
      .filter((f) => f.line === 8).map((f) => f.fix?.replacement ?? null);
    expect(await fixes({ oldest: [3, 10] })).toEqual([null]);
    expect(await fixes({ oldest: [3, 12] })).toEqual(['    return inspect.iscoroutinefunction(handler)']);
  });
});

describe('await-lock-in-with', () => {
  const source = `import asyncio

lock = asyncio.Lock()


async def main():
    with (await lock):
        pass
`;
  it('reports with (await lock) where the project may run on 3.9 or later', async () => {
    expect(await reported('await-lock-in-with', source)).toEqual([7]);
    expect(await reported('await-lock-in-with', source, { oldest: [3, 7] })).toEqual([7]);
  });
  it('is quiet where every supported Python is older than 3.9', async () => {
    expect(await reported('await-lock-in-with', source, { oldest: [3, 6], below: [3, 9] })).toEqual([]);
  });
});

describe('timeout-error-alias', () => {
  const source = `import asyncio


async def main(fetch):
    try:
        await asyncio.wait_for(fetch(), 1)
    except TimeoutError:
        pass
`;
  it('reports where the project supports 3.10 or older', async () => {
    expect(await reported('timeout-error-alias', source, { oldest: [3, 10] })).toEqual([7]);
    expect(await reported('timeout-error-alias', source, { oldest: [3, 8] })).toEqual([7]);
    // A project that declares nothing runs on 3.11 onwards (3.10 reached end of life in October 2026).
    expect(await reported('timeout-error-alias', source)).toEqual([]);
  });
  it('is quiet where every supported Python is 3.11 or later', async () => {
    expect(await reported('timeout-error-alias', source, { oldest: [3, 11] })).toEqual([]);
  });
});

describe('removed-asyncio-api: Task.all_tasks()', () => {
  const source = 'import asyncio\n\n\nasync def pending():\n    return asyncio.Task.all_tasks()\n';
  it('offers asyncio.all_tasks() only where every supported Python has it (3.7+)', async () => {
    const rule = findRule('removed-asyncio-api')!;
    const [modern] = await findingsIn(source, { rules: [rule], path: 'app/module.py', project: { targetPython: { oldest: [3, 8] } } });
    expect(modern.fix?.replacement).toContain('asyncio.all_tasks()');
    const [older] = await findingsIn(source, { rules: [rule], path: 'app/module.py', project: { targetPython: { oldest: [3, 5] } } });
    expect(older.fix ?? null).toBeNull();
    expect(older.message).toContain('behind a version check');
  });
});

describe("the module's own syntax raises the oldest Python it runs on", () => {
  const body = 'import asyncio\n\n\nasync def run(fn, timeout):\n    try:\n        return await asyncio.wait_for(fn(), timeout)\n    except TimeoutError:\n        return None\n';
  it('a module with type parameters (3.12) needs no advice for 3.10, whatever the project declares', async () => {
    expect(await reported('timeout-error-alias', body, { oldest: [3, 8] })).toEqual([7]);
    expect(await reported('timeout-error-alias', body.replace('async def run(fn, timeout)', 'async def run[T](fn, timeout)'), { oldest: [3, 8] })).toEqual([]);
    expect(await reported('timeout-error-alias', `${body}\n\ntype Handler = object\n`)).toEqual([]);
    // A subscript in an annotation is no type parameter: it says nothing about the version.
    expect(await reported('timeout-error-alias', body.replace('async def run(fn, timeout)', 'async def run(fn: Callable[[], int], timeout: Dict[str, int])'), { oldest: [3, 8] })).toEqual([7]);
    // `except*` says 3.11, where the two are one class; the text alone (a docstring) says nothing.
    expect(await reported('timeout-error-alias', `${body}\n\ndef group(fn):\n    try:\n        fn()\n    except* ValueError:\n        pass\n`, { oldest: [3, 8] })).toEqual([]);
    expect(await reported('timeout-error-alias', `${body}\n\ndef group(fn):\n    """except* ValueError: def f[T](x)"""\n`, { oldest: [3, 8] })).toEqual([7]);
    // `match` only says 3.10, which still has the two classes apart.
    expect(await reported('timeout-error-alias', `${body}\n\ndef kind(x):\n    match x:\n        case 1:\n            return 1\n`, { oldest: [3, 8] })).toEqual([7]);
  });
});
