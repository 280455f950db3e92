import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import { TASK_SPAWNERS } from '../src/analyzer/model/known-apis.js';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { needsParentheses } from '../src/analyzer/rule-helpers.js';

const LOOPS: ReadonlySet<string> = new Set(['for_statement', 'while_statement']);

export default defineRule({
  name: 'task-result-before-done',
  aliases: [],
  severity: 'error',
  scope: 'coroutine',
  what: 'Reports `task.result()` or `task.exception()` on a task the same coroutine has just started (`task = asyncio.create_task(...)`, `ensure_future`, `loop.create_task`) with no `await` between the two and no loop around the read: the task cannot have run yet. A task whose `done()` the code asks, a variable assigned more than once and reads in nested functions (done callbacks) are left alone.',
  why: 'A new task only starts running when the coroutine that made it suspends, so reading its outcome before any `await` raises `InvalidStateError: Result is not set.` every time. The code meant to wait for the task: `await task`.',
  bad: `import asyncio


async def fetch():
    await asyncio.sleep(1)
    return 42


async def main():
    task = asyncio.create_task(fetch())
    return task.result()
`,
  good: `import asyncio


async def fetch():
    await asyncio.sleep(1)
    return 42


async def main():
    task = asyncio.create_task(fetch())
    return await task
`,
  fix: 'Replaces `task.result()` with `await task` (`.exception()` gets no fix: the message says what to await).',
  query: `(call function: (attribute object: (identifier) @task attribute: (identifier) @method (#any-of? @method "result" "exception")) arguments: (argument_list) @args) @call`,
  mentions: /\b(?:create_task|ensure_future)\b/,
  check({ call, task, method, args }, { model, report }) {
    if (args.namedChildCount > 0) return;
    const started = startedJustBefore(task, call, model);
    if (!started) return;
    const read = method.text === 'result';
    report(call, `\`${call.text}\` reads the outcome of the task \`${task.text}\` started at line ${started.startPosition.row + 1} with no \`await\` in between (${model.describeContext(call)}): the task has not run yet, so this raises InvalidStateError; ${read ? `write \`await ${task.text}\`` : `wait for it first (\`await asyncio.wait([${task.text}])\`)`}`, {
      replacement: read && model.mayAwait(call) ? (needsParentheses(call) ? `(await ${task.text})` : `await ${task.text}`) : undefined,
    });
  },
});

/** The assignment that starts the task held by `task`, when it is the variable's only assignment in the function,
 *  comes before `call` with no await point between, `call` is in no loop that starts after it, and the function
 *  never asks `task.done()`. */
function startedJustBefore(task: Node, call: Node, model: SemanticModel): Node | null {
  const fn = model.enclosingFunction(call);
  if (!fn) return null;
  const assignments = fn.node.descendantsOfType('assignment').filter((assignment): assignment is Node =>
    !!assignment && assignment.childForFieldName('left')?.text === task.text && model.enclosingFunction(assignment) === fn);
  if (assignments.length !== 1) return null;
  const [assignment] = assignments;
  const value = assignment.childForFieldName('right');
  if (value?.type !== 'call' || !TASK_SPAWNERS.has(model.callee(value) ?? '') || assignment.endIndex > call.startIndex) return null;
  if (new RegExp(`\\b${task.text}\\.done\\(`).test(fn.node.text)) return null;
  const between = model.awaitPointsIn(fn.node).some((point) => point.startIndex >= assignment.endIndex && point.startIndex < call.startIndex);
  if (between) return null;
  for (let node = call.parent; node && node.id !== fn.node.id; node = node.parent) {
    if (LOOPS.has(node.type) && node.startIndex > assignment.startIndex) return null;
    // A loop around both goes round: the await after the read may come before it on the next turn.
    if (LOOPS.has(node.type) && model.awaitPointsIn(node).length > 0) return null;
  }
  return assignment;
}
