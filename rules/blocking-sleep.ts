import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { forLibrary, libraryCallReplacement } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';
import { BLOCKING_CALLS } from '../src/analyzer/model/known-apis.js';
import { isNegligibleSleep, yieldsToThreads } from './support/sleep-duration.js';

const SLEEP = { asyncio: 'sleep', trio: 'sleep', anyio: 'sleep' };

export default defineRule({
  name: 'blocking-sleep',
  aliases: ['ASYNC251'],
  severity: 'error',
  blocksTheLoop: true,
  scope: 'coroutine',
  what: 'Reports `time.sleep()` called inside a coroutine. Left alone: a single pause (not in a loop) of a millisecond or less, written as a number or as the default of a class attribute (`_execute_sleep = Float(0.0005)`): it holds the loop no longer than any other synchronous call. `time.sleep(0)` is reported (in a coroutine it is a mistaken attempt to yield to the loop), except once, outside a loop, in a module that imports `threading`: there it hands the GIL to the module\'s threads on purpose, which `await asyncio.sleep(0)` would not.',
  why: '`time.sleep()` blocks the whole event loop: every other task, request and timer waits until it returns. `asyncio.sleep()` (`trio.sleep()`, `anyio.sleep()` in trio and anyio code) suspends only the calling coroutine.',
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
  fix: 'Replaces the call with the sleep of the module\'s async library, when that library\'s module is imported: `await asyncio.sleep(...)`, or `await trio.sleep(...)` / `await anyio.sleep(...)` in a module that imports trio or anyio (any Python). No fix in a module importing both trio and asyncio, where the message names both.',
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    const callee = model.callee(call);
    if (!callee || BLOCKING_CALLS.get(callee)?.kind !== 'sleep' || !model.isInCoroutine(call) || isNegligibleSleep(call, model) || yieldsToThreads(call, model)) return;
    const instead = forLibrary(model, call, { asyncio: '`await asyncio.sleep()`', trio: '`await trio.sleep()`', anyio: '`await anyio.sleep()`' });
    report(call, `\`${callSnippet(call)}\` blocks the event loop in ${model.describeContext(call)}; use ${instead}`, {
      replacement: libraryCallReplacement(call, SLEEP, model) ?? undefined,
    });
  },
});
