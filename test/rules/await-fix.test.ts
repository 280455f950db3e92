// The `await ...` fixes of blocking-sleep and nested-event-loop must mean what the code meant: the awaited
// operand and the awaited value parenthesised where `await` binds differently, and no fix where `await`
// would turn a generator expression into an async generator (a TypeError when it is consumed).
import { describe, expect, it } from 'vitest';
import blockingSleep from '../../rules/blocking-sleep.js';
import nestedEventLoop from '../../rules/nested-event-loop.js';
import { findingsIn, fixedBody } from '../helpers/analyze.js';

const HEADER = 'import asyncio\nimport time\n\n\nasync def g():\n    return 1\n\n\nasync def f(c):\n';

function fixed(body: string): Promise<string> {
  return fixedBody(HEADER, body, [blockingSleep, nestedEventLoop]);
}

describe('await fixes', () => {
  it('parenthesise the awaited value used as an object', async () => {
    expect(await fixed('    return time.sleep(1).__class__')).toBe('    return (await asyncio.sleep(1)).__class__');
    expect(await fixed('    return asyncio.run(g()).bit_length()')).toBe('    return (await g()).bit_length()');
    expect(await fixed('    return asyncio.run(g())[0]')).toBe('    return (await g())[0]');
  });

  it('parenthesise an operand that is not a primary expression', async () => {
    expect(await fixed('    return asyncio.run(g() if c else g())')).toBe('    return await (g() if c else g())');
    expect(await fixed('    return asyncio.run(c or g())')).toBe('    return await (c or g())');
    expect(await fixed('    return asyncio.run(await g())')).toBe('    return await (await g())');
  });

  it('offer no fix inside a generator expression', async () => {
    const unchanged = async (body: string) => expect(await fixed(body)).toBe(body);
    await unchanged('    return list(time.sleep(i) for i in range(3))');
    await unchanged('    return list(asyncio.run(g()) for _ in range(3))');
  });

  it('offer no fix in a class body a coroutine runs (`await` there is a SyntaxError), nor in its methods\' defaults', async () => {
    const unchanged = async (body: string) => expect(await fixed(body)).toBe(body);
    await unchanged('    class A:\n        x = time.sleep(1)');
    await unchanged('    class A:\n        x = asyncio.run(g())');
    await unchanged('    class A:\n        def m(self, x=time.sleep(1)):\n            pass');
  });

  it('await in the default of a def nested in the coroutine, which the coroutine evaluates', async () => {
    expect(await fixed('    def h(x=time.sleep(1)):\n        pass')).toBe('    def h(x=await asyncio.sleep(1)):\n        pass');
  });

  it('offer no fix naming asyncio where a local or parameter of that name hides the module', async () => {
    const unchanged = async (body: string) => expect(await fixed(body)).toBe(body);
    await unchanged('    asyncio = c\n    time.sleep(1)');
    await unchanged('    async def inner(asyncio):\n        time.sleep(1)');
    expect(await fixed('    class K:\n        asyncio = None\n\n        async def m(self):\n            time.sleep(1)'))
      .toBe('    class K:\n        asyncio = None\n\n        async def m(self):\n            await asyncio.sleep(1)');
  });

  it('quote a multi-line call on one line in the message', async () => {
    const [finding] = await findingsIn(`${HEADER}    time.sleep(\n        1,  # why\n    )\n`, { rules: [blockingSleep] });
    expect(finding.message).toContain('`time.sleep(…)`');
    expect(finding.fix?.replacement).toBe('    await asyncio.sleep(\n        1,  # why\n    )');
  });
});

describe('fix text', () => {
  it('uses \\n line ends in a CRLF file, as the lines it replaces are split', async () => {
    const source = `${HEADER}    time.sleep(\n        2)\n`.replace(/\n/g, '\r\n');
    const [finding] = await findingsIn(source, { rules: [blockingSleep] });
    expect(finding.fix?.replacement).toBe('    await asyncio.sleep(\n        2)');
  });

  it('offers no fix whose text would lose a long run of comment lines (blanked for parsing)', async () => {
    const comments = '        # why we wait\n'.repeat(70);
    const [finding] = await findingsIn(`${HEADER}    time.sleep(\n${comments}        2)\n`, { rules: [blockingSleep] });
    expect(finding.message).toContain('`time.sleep(…)`');
    expect(finding.fix).toBeNull();
  });
});
