// swallowed-cancellation beyond its fixture: comments inside the caught tuple.
import { describe, expect, it } from 'vitest';
import rule from '../../rules/swallowed-cancellation.js';
import { findingsIn } from '../helpers/analyze.js';

const run = (source: string, path = 'app/worker.py') => findingsIn(source, { rules: [rule], path });

const swallows = `import asyncio


async def wait_closed(conn):
    try:
        await conn.closed.wait()
    except asyncio.CancelledError:
        pass
`;

describe('swallowed-cancellation', () => {
  it('reads the caught classes past comments in the tuple: same finding, message and fix', async () => {
    const plain = swallows.replace('except asyncio.CancelledError:', 'except (asyncio.CancelledError, ConnectionError):');
    const commented = swallows.replace('except asyncio.CancelledError:', 'except (  # note: the peer may go away\n        asyncio.CancelledError,  # ours\n        ConnectionError,\n    ):');
    const [a] = await run(plain);
    const [b] = await run(commented);
    expect(b.message).toBe(a.message);
    expect(b.message).toContain('`except (asyncio.CancelledError, ConnectionError):`');
    const single = swallows.replace('except asyncio.CancelledError:', 'except (  # why: ours\n        asyncio.CancelledError\n    ):');
    const [c] = await run(single);
    expect(c.message).toContain('`except asyncio.CancelledError:`');
    expect(c.fix?.replacement.trim()).toBe('raise');
  });
});
