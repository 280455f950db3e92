// nest_asyncio patches asyncio so that a running loop can be re-entered: modules that import it mean to.
import { describe, expect, it } from 'vitest';
import nestedEventLoop from '../../rules/nested-event-loop.js';
import { findingsIn } from '../helpers/analyze.js';

const module = (imports: string) => `import asyncio
${imports}


async def fetch():
    await asyncio.sleep(0)


async def main():
    asyncio.run(fetch())
`;

describe('nested-event-loop and nest_asyncio', () => {
  it('reports asyncio.run in a coroutine of a plain module', async () => {
    expect(await findingsIn(module(''), { rules: [nestedEventLoop] })).toHaveLength(1);
  });

  it('stays silent where nest_asyncio is imported', async () => {
    expect(await findingsIn(module('import nest_asyncio\n\nnest_asyncio.apply()'), { rules: [nestedEventLoop] })).toEqual([]);
    expect(await findingsIn(module('from nest_asyncio import apply\n\napply()'), { rules: [nestedEventLoop] })).toEqual([]);
  });
});
