// removed-asyncio-api: `loop=` was removed from asyncio's functions in Python 3.10. Inside a coroutine, dropping
// it is the whole fix (asyncio uses the running loop). Outside one, asyncio would use get_event_loop()'s loop,
// which need not be the loop passed (pydle's ClientPool gathers on a loop it never sets), so no fix is offered.
import { describe, expect, it } from 'vitest';
import removedAsyncioApi from '../../rules/removed-asyncio-api.js';
import { applyFixes, findingsIn } from '../helpers/analyze.js';

async function check(source: string) {
  const findings = await findingsIn(source, { rules: [removedAsyncioApi] });
  return { findings, fixed: applyFixes(source, findings) };
}

describe('loop= arguments', () => {
  it('are dropped inside a coroutine', async () => {
    const source = 'import asyncio\n\n\nasync def connect(loop):\n    return await asyncio.open_connection("h", 1, loop=loop)\n';
    const { findings, fixed } = await check(source);
    expect(findings).toHaveLength(1);
    expect(fixed).toBe('import asyncio\n\n\nasync def connect(loop):\n    return await asyncio.open_connection("h", 1)\n');
  });

  it('are reported without a fix in sync code that runs the work on the loop it passes', async () => {
    const source = [
      'import asyncio',
      '',
      '',
      'class ClientPool:',
      '    def __init__(self):',
      '        self.eventloop = asyncio.new_event_loop()',
      '',
      '    def handle_forever(self, connections):',
      '        gathered = asyncio.gather(*connections, loop=self.eventloop)',
      '        self.eventloop.run_until_complete(gathered)',
      '',
    ].join('\n');
    const { findings, fixed } = await check(source);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('outside a coroutine');
    expect(fixed).toBe(source);
  });

  it('loop=None is dropped anywhere: it already meant the current loop', async () => {
    const source = 'import asyncio\n\n\ndef make():\n    return asyncio.Queue(loop=None)\n';
    expect((await check(source)).fixed).toBe('import asyncio\n\n\ndef make():\n    return asyncio.Queue()\n');
  });
});
