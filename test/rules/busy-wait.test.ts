// busy-wait names the Event of the library the loop sleeps with: asyncio's, trio's or anyio's.
import { describe, expect, it } from 'vitest';
import busyWait from '../../rules/busy-wait.js';
import { findingsIn } from '../helpers/analyze.js';

const poll = (library: string) => `import ${library}\n\n\nasync def wait_ready(job):\n    while not job.ready:\n        await ${library}.sleep(0.5)\n`;

describe('busy-wait message', () => {
  it.each([['asyncio', 'asyncio.Event'], ['trio', 'trio.Event'], ['anyio', 'anyio.Event']])('%s code is told to wait on %s', async (library, event) => {
    const [finding] = await findingsIn(poll(library), { rules: [busyWait] });
    expect(finding?.message).toContain(`wait on an \`${event}\` set where the condition changes`);
  });

  it("tells a poll of a thread's queue.Queue to wait for the item in a thread", async () => {
    const source = 'import asyncio\nimport queue\n\ninbox = queue.Queue()\n\n\nasync def receive():\n    while inbox.empty():\n        await asyncio.sleep(0)\n    return inbox.get()\n';
    const [finding] = await findingsIn(source, { rules: [busyWait] });
    expect(finding?.message).toContain('`await asyncio.to_thread(inbox.get)`');
    expect(finding?.message).not.toContain('asyncio.Event');
    const [anyio] = await findingsIn(source.replace('import asyncio', 'import anyio').replace('asyncio.sleep', 'anyio.sleep'), { rules: [busyWait] });
    expect(anyio?.message).toContain('`await anyio.to_thread.run_sync(inbox.get)`');
  });
});
