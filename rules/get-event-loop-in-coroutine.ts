import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { isInCompatibilityBranch } from './support/version-guards.js';

const GET_EVENT_LOOP = new Set(['asyncio.get_event_loop', 'asyncio.events.get_event_loop']);

export default defineRule({
  name: 'get-event-loop-in-coroutine',
  aliases: [],
  severity: 'info', // it works inside a coroutine (it returns the running loop): a clarity and deprecation nit
  scope: 'coroutine',
  what: 'Reports `asyncio.get_event_loop()` called inside a coroutine (in trio and anyio code too, where it is asyncio code all the same).',
  why: 'Inside a coroutine `get_event_loop()` does return the running loop, but elsewhere it is deprecated and may create a new loop or warn, depending on Python version and loop policy; `get_running_loop()` says what is meant and fails loudly when no loop runs, so the code stays correct when moved. The asyncio docs prefer it in coroutines and callbacks.',
  bad: `import asyncio


async def run_blocking(work):
    loop = asyncio.get_event_loop()
    return await loop.run_in_executor(None, work)
`,
  good: `import asyncio


async def run_blocking(work):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, work)
`,
  fix: 'Replaces the call with `asyncio.get_running_loop()`.',
  targetPython: 'quiet where the project still supports Python 3.6, which has no `get_running_loop()`.',
  note: 'Quiet in test code (test modules, `test_*` functions, fixtures): the call is right there, and the nit not worth a comment.',
  query: CALL_QUERY,
  check({ call, function: fn }, { model, report }) {
    if (!GET_EVENT_LOOP.has(model.callee(call) ?? '') || !model.isInCoroutine(call) || isInCompatibilityBranch(call)) return;
    // `get_running_loop()` came with 3.7: a project that still supports 3.6 has no better call to make.
    if (!model.pythonHas([3, 7])) return;
    // A clarity nit: in tests, where the loop is always running, it is not worth a comment.
    if (model.isTestCode(call)) return;
    // `asyncio.get_event_loop()` → same module path; `get_event_loop()` (from-imported) → the asyncio alias.
    const module = fn.type === 'attribute' ? fn.childForFieldName('object')?.text : model.moduleAlias('asyncio', call);
    const replacement = module && call.childForFieldName('arguments')?.text === '()' ? `${module}.get_running_loop()` : undefined;
    report(call, `\`${call.text.replace(/\s+/g, ' ')}\` in ${model.describeContext(call)}: prefer \`asyncio.get_running_loop()\`, which says what is meant and never creates a loop`, { replacement });
  },
});
