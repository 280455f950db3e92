import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { toThreadReplacement } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';

export default defineRule({
  name: 'blocking-input',
  aliases: ['ASYNC250'],
  severity: 'error',
  blocksTheLoop: true,
  scope: 'coroutine',
  what: 'Reports the builtin `input()` called inside a coroutine.',
  why: '`input()` waits for the user on the event loop\'s thread, so every other task freezes until a line is typed. `await asyncio.to_thread(input, ...)` waits in a worker thread instead.',
  bad: `import asyncio


async def confirm(question):
    answer = input(question + " [y/N] ")
    return answer.lower() == "y"
`,
  good: `import asyncio


async def confirm(question):
    answer = await asyncio.to_thread(input, question + " [y/N] ")
    return answer.lower() == "y"
`,
  fix: 'Replaces the call with `await asyncio.to_thread(input, ...)` when `asyncio` is imported.',
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    if (model.callee(call) !== 'builtins.input' || !model.isInCoroutine(call)) return;
    report(call, `\`${callSnippet(call)}\` waits for the user and blocks the event loop in ${model.describeContext(call)}; use \`await asyncio.to_thread(input, ...)\``, {
      replacement: toThreadReplacement(call, model) ?? undefined,
    });
  },
});
