import { defineRule } from '../src/analyzer/rule.js';
import { snippet } from '../src/analyzer/rule-helpers.js';

export default defineRule({
  name: 'async-for-over-sync-iterable',
  aliases: [],
  severity: 'error',
  what: 'Reports `async for` (statement or comprehension) over a value only a plain `for` iterates: a list, tuple, set, dict or string display or comprehension, a call of a plain generator function of this module, or an instance of a class of this module or another project module with `__iter__` (or `__getitem__`) and no `__aiter__`. (The mirror of `sync-for-over-async-iterator`.)',
  why: '`async for` looks up `__aiter__`, which these lack: it raises TypeError ("async for requires an object with __aiter__ method") before the first item.',
  bad: `async def notify(users):
    async for user in [u for u in users if u.active]:
        await user.send("hello")
`,
  good: `async def notify(users):
    for user in [u for u in users if u.active]:
        await user.send("hello")
`,
  query: `
(for_statement right: (_) @iterable) @loop
(for_in_clause right: (_) @iterable) @loop
`,
  mentions: /async\s+for/,
  check({ loop, iterable }, { model, report }) {
    if (loop.firstChild?.type !== 'async' || !model.isSyncOnlyIterable(iterable)) return;
    report(loop, `\`async for\` over \`${snippet(iterable, 40)}\` in ${model.describeContext(loop)}: it has no \`__aiter__\`, so this raises TypeError before the first item; write a plain \`for\``, {
      endNode: iterable,
    });
  },
});
