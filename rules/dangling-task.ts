import { defineRule } from '../src/analyzer/rule.js';
import { VALUE_USE_QUERY } from './support/value-use.js';
import { callSnippet } from './support/calls.js';

/** Calls that schedule a task and return the only strong reference to it. Task groups (asyncio.TaskGroup,
 *  anyio/trio start_soon) keep their own reference, so they are not listed. */
const TASK_SPAWNERS = new Set([
  'asyncio.create_task', 'asyncio.ensure_future', 'asyncio.tasks.create_task', 'asyncio.tasks.ensure_future',
  'asyncio.AbstractEventLoop.create_task',
]);

export default defineRule({
  name: 'dangling-task',
  aliases: ['RUF006', 'ASYNC300'],
  severity: 'warning',
  what: 'Reports `asyncio.create_task()`, `asyncio.ensure_future()` and `loop.create_task()` whose task is thrown away (the call is a whole statement).',
  why: 'The event loop keeps only a weak reference to tasks, so a task nobody references can be garbage-collected before it finishes; and its exception is never retrieved, so failures vanish (at best "Task exception was never retrieved" at exit).',
  bad: `import asyncio


async def notify(user):
    await asyncio.sleep(1)


async def handle(user):
    asyncio.create_task(notify(user))
`,
  good: `import asyncio

background_tasks = set()


async def notify(user):
    await asyncio.sleep(1)


async def handle(user):
    task = asyncio.create_task(notify(user))
    background_tasks.add(task)
    task.add_done_callback(background_tasks.discard)
`,
  query: VALUE_USE_QUERY,
  check({ discarded: call }, { model, report }) {
    // The call is the whole statement: nothing keeps the task.
    if (call?.type !== 'call' || !TASK_SPAWNERS.has(model.callee(call) ?? '')) return;
    report(call, `the task from \`${callSnippet(call)}\` is not kept (${model.describeContext(call)}): the event loop holds only a weak reference, so it may be garbage-collected before it finishes and its exception is never seen; keep it (a set plus \`task.add_done_callback(tasks.discard)\`) or use a TaskGroup`);
  },
});
