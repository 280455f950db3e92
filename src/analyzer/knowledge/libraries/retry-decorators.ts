// Decorators that retry or cache an `async def` and keep it a coroutine function: tenacity
// (https://tenacity.readthedocs.io/), backoff (https://github.com/litl/backoff), async-lru
// (https://github.com/aio-libs/async-lru). One table per module below.
import { defineLibrary } from '../library.js';

export const tenacity = defineLibrary({
  module: 'tenacity',
  sources: ['https://tenacity.readthedocs.io/en/latest/#async-and-retry'],
  functions: { retry: { roles: ['transparent-decorator'] } },
});

export const backoff = defineLibrary({
  module: 'backoff',
  sources: ['https://github.com/litl/backoff#asynchronous-code'],
  functions: { on_exception: { roles: ['transparent-decorator'] }, on_predicate: { roles: ['transparent-decorator'] } },
});

export const asyncLru = defineLibrary({
  module: 'async_lru',
  sources: ['https://github.com/aio-libs/async-lru#usage'],
  functions: { alru_cache: { roles: ['transparent-decorator'] } },
});
