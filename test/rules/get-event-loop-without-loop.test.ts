// removed-asyncio-api: `asyncio.get_event_loop()` where no loop runs or is set raises RuntimeError on Python
// 3.14. Where the program only gets the loop to run one coroutine, the fix is `asyncio.run(...)`.
import { describe, expect, it } from 'vitest';
import removedAsyncioApi from '../../rules/removed-asyncio-api.js';
import type { AnalyzeOptions, PythonRange } from '../../src/analyzer/types.js';
import { applyFixes, findingsIn } from '../helpers/analyze.js';

const HEADER = 'import asyncio\n\n\nasync def main():\n    await asyncio.sleep(1)\n\n\n';

async function check(body: string, targetPython?: PythonRange) {
  const options: AnalyzeOptions = targetPython ? { project: { targetPython } } : {};
  const source = `${HEADER}${body}\n`;
  const findings = await findingsIn(source, { ...options, rules: [removedAsyncioApi] });
  return { findings, fixed: applyFixes(source, findings).slice(HEADER.length).trimEnd() };
}

describe('get_event_loop() without a loop', () => {
  it('is reported only where the project may run on 3.14', async () => {
    expect((await check('loop = asyncio.get_event_loop()')).findings).toHaveLength(1);
    expect((await check('loop = asyncio.get_event_loop()', { oldest: [3, 9], below: [3, 14] })).findings).toHaveLength(0);
    expect((await check('loop = asyncio.get_event_loop()', { oldest: [3, 9], below: [3, 15] })).findings).toHaveLength(1);
  });

  it('becomes asyncio.run(...) where the loop is got to run one coroutine and nothing else', async () => {
    expect((await check('asyncio.get_event_loop().run_until_complete(main())')).fixed).toBe('asyncio.run(main())');
    expect((await check('if __name__ == "__main__":\n    loop = asyncio.get_event_loop()\n    loop.run_until_complete(main())')).fixed)
      .toBe('if __name__ == "__main__":\n    asyncio.run(main())');
    expect((await check('loop = asyncio.get_event_loop()\nresult = loop.run_until_complete(main())\nloop.close()')).fixed)
      .toBe('result = asyncio.run(main())');
    expect((await check('def main_sync():\n    loop = asyncio.get_event_loop()\n    loop.run_until_complete(main())\n\n\nmain_sync()')).fixed)
      .toBe('def main_sync():\n    asyncio.run(main())\n\n\nmain_sync()');
  });

  it('stays advice where asyncio.run would change what the program does, or the target lacks it (3.7)', async () => {
    const advice = async (body: string, targetPython?: PythonRange) => {
      const { findings, fixed } = await check(body, targetPython);
      expect(findings).toHaveLength(1);
      expect(fixed).toBe(body);
      return findings[0].message;
    };
    // The loop is used again, run twice, or runs forever; the awaited thing is not known to be a coroutine.
    await advice('loop = asyncio.get_event_loop()\nloop.run_until_complete(main())\nloop.run_until_complete(main())');
    await advice('loop = asyncio.get_event_loop()\nloop.run_until_complete(main())\nprint(loop.time())');
    await advice('loop = asyncio.get_event_loop()\nloop.create_task(main())\nloop.run_forever()');
    await advice('loop = asyncio.get_event_loop()\nloop.run_until_complete(future)');
    // Two comments on the replaced lines cannot both be kept.
    await advice('loop = asyncio.get_event_loop()  # one\nloop.run_until_complete(main())  # two');
    const old = await advice('asyncio.get_event_loop().run_until_complete(main())', { oldest: [3, 6] });
    expect(old).toContain('create it with `loop = asyncio.new_event_loop()` and `asyncio.set_event_loop(loop)`');
    expect(old).not.toContain('asyncio.run');
    expect(await advice('loop = asyncio.get_event_loop()')).toContain(', or run the program with `asyncio.run(main())`');
  });

  it('keeps a trailing comment and the name of a module imported under another name', async () => {
    const source = 'import asyncio as aio\n\n\nasync def main():\n    pass\n\n\nloop = aio.get_event_loop()  # start\nloop.run_until_complete(main())\n';
    const findings = await findingsIn(source, { rules: [removedAsyncioApi] });
    expect(findings[0]?.fix?.replacement).toBe('aio.run(main())  # start');
  });
});
