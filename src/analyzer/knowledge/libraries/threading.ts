// threading (standard library): https://docs.python.org/3/library/threading.html
import { defineLibrary, type AdviceByLibrary } from '../library.js';

const sameName = (name: string): AdviceByLibrary => ({ asyncio: `asyncio.${name}`, trio: `trio.${name}`, anyio: `anyio.${name}` });

export default defineLibrary({
  module: 'threading',
  sources: ['https://docs.python.org/3/library/threading.html'],
  // Their acquire waits on the calling thread (threading-lock): the async counterparts to use instead.
  classes: {
    Lock: { asyncEquivalent: sameName('Lock') },
    RLock: { asyncEquivalent: sameName('Lock') },
    Semaphore: { asyncEquivalent: sameName('Semaphore') },
    BoundedSemaphore: { asyncEquivalent: { asyncio: 'asyncio.BoundedSemaphore', trio: 'trio.Semaphore(n, max_value=n)', anyio: 'anyio.Semaphore(n, max_value=n)' } },
    Condition: { asyncEquivalent: sameName('Condition') },
  },
  starExports: { '': 'BoundedSemaphore Condition Lock RLock Semaphore' },
});
