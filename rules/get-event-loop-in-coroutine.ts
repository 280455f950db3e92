import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { isInCompatibilityBranch } from './support/version-guards.js';

const GET_EVENT_LOOP = new Set(['asyncio.get_event_loop', 'asyncio.events.get_event_loop']);

export default defineRule({
  name: 'get-event-loop-in-coroutine',
  aliases: [],
  severity: 'warning',
  what: 'Reports `asyncio.get_event_loop()` called inside a coroutine.',
  why: '`get_event_loop()` is deprecated outside a running loop and, depending on the Python version and event loop policy, may create or return a loop other than the one running. Inside a coroutine, `get_running_loop()` says what is meant and always returns the loop running this coroutine.',
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
  query: CALL_QUERY,
  check({ call, function: fn, args }, { model, report }) {
    if (!GET_EVENT_LOOP.has(model.callee(call) ?? '') || !model.isInCoroutine(call) || isInCompatibilityBranch(call)) return;
    // `asyncio.get_event_loop()` → same module path; `get_event_loop()` (from-imported) → the asyncio alias.
    const module = fn.type === 'attribute' ? fn.childForFieldName('object')?.text : model.moduleAlias('asyncio');
    const replacement = module && args?.text === '()' ? `${module}.get_running_loop()` : undefined;
    report(call, `\`${call.text.replace(/\s+/g, ' ')}\` in ${model.describeContext(call)}: use \`asyncio.get_running_loop()\`, which always returns the loop running this coroutine`, { replacement });
  },
});
