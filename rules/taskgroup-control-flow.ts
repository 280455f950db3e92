import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import { TASK_GROUP_TYPES } from '../src/analyzer/model/known-apis.js';
import { enteredOfType, isAsyncWith, WITH_QUERY } from './support/context-managers.js';
import { snippet } from '../src/analyzer/rule-helpers.js';

const CONTROL_FLOW = ['return_statement', 'break_statement', 'continue_statement'];

export default defineRule({
  name: 'taskgroup-control-flow',
  aliases: ['ASYNC121'],
  severity: 'warning',
  scope: 'coroutine',
  what: 'Reports `return`, `break` or `continue` directly inside an `async with asyncio.TaskGroup()` (or anyio task group, trio nursery) body that leaves the group.',
  why: 'Leaving the group waits for every child task, and if one of them fails its exception group replaces the `return` value or jumps past the `break`: the control flow the code shows is not what runs.',
  bad: `import asyncio


async def first_page(client, urls):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(client.get(url)) for url in urls]
        return tasks[0].result()
`,
  good: `import asyncio


async def first_page(client, urls):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(client.get(url)) for url in urls]
    return tasks[0].result()
`,
  query: WITH_QUERY,
  check({ with: statement, body }, { model, report }) {
    if (!isAsyncWith(statement)) return;
    const group = enteredOfType(model, statement, TASK_GROUP_TYPES);
    if (!group) return;
    const owner = model.enclosingFunction(statement);
    for (const jump of body.descendantsOfType(CONTROL_FLOW)) {
      if (!jump || model.enclosingFunction(jump) !== owner) continue;
      if (jump.type !== 'return_statement' && loopInside(jump, statement)) continue;
      const keyword = jump.type.replace('_statement', '');
      report(jump, `\`${keyword}\` inside \`async with ${snippet(group)}\` in ${model.describeContext(jump)} leaves the group while its tasks may still fail; move it after the \`async with\` block`);
    }
  },
});

/** Does `break`/`continue` act on a loop that sits inside `container` (so it does not leave the container)?
 *  A loop's `else:` clause belongs to the loop around it. */
function loopInside(jump: Node, container: Node): boolean {
  for (let child = jump, parent = jump.parent; parent && parent.id !== container.id; child = parent, parent = parent.parent) {
    if ((parent.type === 'for_statement' || parent.type === 'while_statement') && parent.childForFieldName('body')?.id === child.id) return true;
  }
  return false;
}
