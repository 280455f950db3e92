import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { awaitReplacement } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';

export default defineRule({
  name: 'blocking-sleep',
  aliases: ['ASYNC251'],
  severity: 'error',
  blocksTheLoop: true,
  scope: 'coroutine',
  what: 'Reports `time.sleep()` called inside a coroutine.',
  why: '`time.sleep()` blocks the whole event loop: every other task, request and timer waits until it returns. `asyncio.sleep()` suspends only the calling coroutine.',
  bad: `import asyncio
import time


async def poll():
    time.sleep(1)
`,
  good: `import asyncio
import time


async def poll():
    await asyncio.sleep(1)
`,
  fix: 'Replaces the call with `await asyncio.sleep(...)` when `asyncio` is imported.',
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    if (model.callee(call) !== 'time.sleep' || !model.isInCoroutine(call)) return;
    const args = call.childForFieldName('arguments')!;
    const asyncio = model.moduleAlias('asyncio', call);
    report(call, `\`${callSnippet(call)}\` blocks the event loop in ${model.describeContext(call)}; use \`await asyncio.sleep()\``, {
      replacement: (asyncio && args.type === 'argument_list' && awaitReplacement(call, `${asyncio}.sleep${args.text}`, model)) || undefined,
    });
  },
});
