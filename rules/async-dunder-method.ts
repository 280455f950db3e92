import { defineRule } from '../src/analyzer/rule.js';

/** Special methods Python calls without awaiting, and what to write instead of `async def` for each. */
const SYNC_ONLY: Readonly<Record<string, string>> = {
  __init__: 'a plain `def __init__` that sets up state, and an `async` factory (`@classmethod async def create(cls, ...)`) or an `async def start()` for what must be awaited',
  __enter__: '`async def __aenter__` (entered with `async with`)',
  __exit__: '`async def __aexit__` (left by `async with`)',
  __iter__: 'a plain `def __aiter__` returning the iterator (iterated with `async for`)',
  __next__: '`async def __anext__` (raising `StopAsyncIteration`)',
  __aiter__: 'a plain `def __aiter__` that returns the async iterator (`return self`): `async for` does not await it',
  __del__: 'a plain `def __del__` (it cannot await), and an `async def aclose()` that owners await',
  __len__: 'a plain `def __len__`', __bool__: 'a plain `def __bool__`', __hash__: 'a plain `def __hash__`',
  __eq__: 'a plain `def __eq__`', __str__: 'a plain `def __str__`', __repr__: 'a plain `def __repr__`',
  __contains__: 'a plain `def __contains__`', __setattr__: 'a plain `def __setattr__`',
};

export default defineRule({
  name: 'async-dunder-method',
  aliases: [],
  severity: 'error',
  what: 'Reports a special method defined with `async def` that Python calls without awaiting: `__init__` (instantiation raises TypeError), `__enter__`/`__exit__` and `__iter__`/`__next__` (the sync protocols: the async ones are `__aenter__`/`__aexit__` and `__aiter__`/`__anext__`), `__aiter__` (which must return the iterator, not a coroutine), `__del__`, and the value protocols (`__len__`, `__bool__`, `__hash__`, `__eq__`, `__str__`, `__repr__`, `__contains__`, `__setattr__`). Left alone: `async def __call__`, `__getitem__` and `__getattr__` (`await client()`, `await cache[key]`, `await obj.lazy_attribute` await what they return, a way some async APIs are written) and `__new__` (`obj = await Class()`, an async constructor).',
  why: 'Python calls these itself and never awaits what they return: `async def __init__` makes every instantiation fail with "__init__() should return None, not \'coroutine\'", `async def __aiter__` makes `async for` fail, `async def __enter__` makes `with` hand out a coroutine and never run the set-up, and the value protocols return a coroutine (always true, never equal, TypeError for `len`).',
  bad: `import asyncio


class Client:
    async def __init__(self, url):
        self.url = url
        self.reader, self.writer = await asyncio.open_connection(url, 80)
`,
  good: `import asyncio


class Client:
    def __init__(self, url):
        self.url = url

    async def connect(self):
        self.reader, self.writer = await asyncio.open_connection(self.url, 80)
`,
  query: '(class_definition body: (block (function_definition "async" name: (identifier) @name)))\n(class_definition body: (block (decorated_definition definition: (function_definition "async" name: (identifier) @name))))',
  mentions: /\basync\s+def\s+__\w+__/,
  check({ name }, { model, report }) {
    const instead = Object.hasOwn(SYNC_ONLY, name.text) ? SYNC_ONLY[name.text] : undefined;
    if (!instead) return;
    const fn = model.functionOf(name.parent!);
    if (!fn?.isAsync || fn.isGenerator) return;
    report(name.parent!, `\`async def ${name.text}\` in class \`${fn.ownerClass?.name ?? '?'}\`: Python calls \`${name.text}\` without awaiting it, so it gets a coroutine that never runs; use ${instead}`, {
      endNode: name,
    });
  },
});
