import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { offloadAdvice, offloadReplacement, passesKeywords } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';
import { BLOCKING_CALLS } from '../src/analyzer/model/known-apis.js';

export default defineRule({
  name: 'blocking-input',
  aliases: ['ASYNC250'],
  severity: 'error',
  blocksTheLoop: true,
  scope: 'coroutine',
  what: 'Reports the builtin `input()` called inside a coroutine.',
  why: '`input()` waits for the user on the event loop\'s thread, so every other task freezes until a line is typed. `await asyncio.to_thread(input, ...)` (or `loop.run_in_executor`, `trio.to_thread.run_sync`, `anyio.to_thread.run_sync`) waits in a worker thread instead.',
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
  fix: 'Runs the call in a worker thread with what the module\'s library and the project\'s oldest Python have, when that library\'s module is imported: `await asyncio.to_thread(input, ...)` on 3.9+, `await asyncio.get_running_loop().run_in_executor(None, input, ...)` before (`get_event_loop()` before 3.7), `await trio.to_thread.run_sync(input, ...)` / `await anyio.to_thread.run_sync(input, ...)` in trio and anyio code. No fix in a module importing both trio and asyncio.',
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    const callee = model.callee(call);
    if (!callee || BLOCKING_CALLS.get(callee)?.kind !== 'input' || !model.isInCoroutine(call)) return;
    const args = call.childForFieldName('arguments')?.namedChildCount ? ['...'] : [];
    report(call, `\`${callSnippet(call)}\` waits for the user and blocks the event loop in ${model.describeContext(call)}; use ${offloadAdvice(model, call, 'input', args, passesKeywords(call))}`, {
      replacement: offloadReplacement(call, model) ?? undefined,
    });
  },
});
