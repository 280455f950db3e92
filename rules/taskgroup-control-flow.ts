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
  what: 'Reports `return`, `break` or `continue` directly inside an `async with asyncio.TaskGroup()` (or anyio task group, trio nursery) body that leaves the group. Left alone: a jump right after the group\'s own `nursery.cancel_scope.cancel()` in the same block (the tasks are cancelled, so leaving waits for nothing and hides no result).',
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
    const name = groupName(group);
    for (const jump of body.descendantsOfType(CONTROL_FLOW)) {
      if (!jump || model.enclosingFunction(jump) !== owner) continue;
      if (jump.type !== 'return_statement' && loopInside(jump, statement)) continue;
      if (name !== null && followsOwnCancel(jump, name)) continue;
      const keyword = jump.type.replace('_statement', '');
      report(jump, `\`${keyword}\` inside \`async with ${snippet(group)}\` in ${model.describeContext(jump)} leaves the group while its tasks may still fail; move it after the \`async with\` block`);
    }
  },
});

/** The name the group is entered as (`async with trio.open_nursery() as nursery:` → `nursery`), or null. */
function groupName(manager: Node): string | null {
  const target = manager.parent?.type === 'as_pattern' ? manager.parent.childForFieldName('alias') ?? manager.parent.namedChildren[1] : null;
  const name = target?.type === 'as_pattern_target' ? target.namedChildren[0] : target;
  return name?.type === 'identifier' ? name.text : null;
}

/** `nursery.cancel_scope.cancel()` earlier in the jump's own block: the group's tasks are cancelled, so leaving
 *  right after waits for nothing and hides no result (trio-websocket's handshake timeout). This is what
 *  flake8-async advises, with the jump written inside. */
function followsOwnCancel(jump: Node, name: string): boolean {
  const cancel = new RegExp(`^${name}\\.cancel_scope\\.cancel\\(\\s*\\)$`);
  for (let before = jump.previousNamedSibling; before; before = before.previousNamedSibling) {
    if (before.type === 'expression_statement' && cancel.test(before.text)) return true;
  }
  return false;
}

/** Does `break`/`continue` act on a loop that sits inside `container` (so it does not leave the container)?
 *  A loop's `else:` clause belongs to the loop around it. */
function loopInside(jump: Node, container: Node): boolean {
  for (let child = jump, parent = jump.parent; parent && parent.id !== container.id; child = parent, parent = parent.parent) {
    if ((parent.type === 'for_statement' || parent.type === 'while_statement') && parent.childForFieldName('body')?.id === child.id) return true;
  }
  return false;
}
