import type { Node } from 'web-tree-sitter';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { callSnippet } from './support/calls.js';
import { calledLastName } from './support/called-last-name.js';

const SHIELDS = new Set(['asyncio.shield', 'asyncio.tasks.shield']);

/** Calls that make a task written in place: its only reference is the one shield() gets. */
const TASK_MAKERS = new Set(['asyncio.create_task', 'asyncio.ensure_future', 'asyncio.tasks.create_task', 'asyncio.tasks.ensure_future',
  'asyncio.AbstractEventLoop.create_task']);

export default defineRule({
  name: 'shield-without-reference',
  aliases: [],
  severity: 'warning',
  what: 'Reports `asyncio.shield()` given a coroutine call or a task made in place (`await asyncio.shield(save(record))`), so that nothing but the shield refers to the task that runs it. (A shield whose Future is thrown away is `unused-awaitable`\'s.)',
  why: 'Shielding matters when the awaiting code is cancelled: the inner task then runs on alone, and the event loop keeps only a weak reference to it, so it can be garbage-collected before it finishes and its exception is never seen. The asyncio docs ask to keep a reference to the task passed to shield().',
  bad: `import asyncio


async def save(record):
    await asyncio.sleep(1)


async def handle(record):
    await asyncio.shield(save(record))
`,
  good: `import asyncio

background_tasks = set()


async def save(record):
    await asyncio.sleep(1)


async def handle(record):
    task = asyncio.create_task(save(record))
    background_tasks.add(task)
    task.add_done_callback(background_tasks.discard)
    await asyncio.shield(task)
`,
  query: CALL_QUERY,
  mentions: /\bshield\b/,
  check({ call, function: fn }, { model, report }) {
    if (calledLastName(call, fn, model) !== 'shield' || !SHIELDS.has(model.callee(call) ?? '') || call.parent?.type === 'expression_statement') return;
    const argument = call.childForFieldName('arguments')?.namedChildren.find((c): c is Node => !!c && c.type !== 'comment');
    if (argument?.type !== 'call') return;
    const inPlaceTask = TASK_MAKERS.has(model.callee(argument) ?? '');
    if (!inPlaceTask && !model.producesCoroutine(argument)) return;
    const made = inPlaceTask ? `the task \`${callSnippet(argument, 40)}\`` : `the task it makes for \`${callSnippet(argument, 40)}\``;
    report(call, `\`asyncio.shield()\` holds the only reference to ${made} (${model.describeContext(call)}): if the caller is cancelled, that task runs on with only the event loop's weak reference and may be garbage-collected before it finishes; create the task first and keep it (a set plus \`task.add_done_callback(tasks.discard)\`), then shield it`);
  },
});
