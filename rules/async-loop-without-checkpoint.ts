import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { defineRule } from '../src/analyzer/rule.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { calledName } from './support/calls.js';

/** Calls that end the process: a loop calling one may stop there. */
const EXITS = new Set(['sys.exit', 'os._exit', 'os.abort', 'builtins.exit', 'builtins.quit']);

/** Statements that leave the loop or the function (or hand control to a consumer, for `yield`). */
const LEAVING = new Set(['break_statement', 'return_statement', 'raise_statement', 'yield']);

const LOOPS = new Set(['while_statement', 'for_statement']);

export default defineRule({
  name: 'async-loop-without-checkpoint',
  aliases: ['ASYNC913'],
  severity: 'error',
  blocksTheLoop: true,
  scope: 'coroutine',
  what: 'Reports a `while` loop in a coroutine that never awaits and cannot end from inside: `while True:` whose body has no `await`, `async for`/`async with`, `break`, `return`, `raise` or `yield` (and no `try` around it that could catch an exception ending it, nor a call such as `get_nowait()`, `next()` or `pop()` that raises once what it takes from is empty), or a `while COND:` whose body is only `pass`, `...` or `continue`.',
  why: 'A coroutine only lets other tasks run when it awaits: a loop that never does holds the event loop for as long as it spins, so nothing else runs, and if another task is what would end it (setting a flag it waits on), it spins forever.',
  bad: `import asyncio


class Worker:
    def __init__(self):
        self.ready = False

    async def wait_ready(self):
        while not self.ready:
            pass
`,
  good: `import asyncio


class Worker:
    def __init__(self):
        self.ready = asyncio.Event()

    async def wait_ready(self):
        await self.ready.wait()
`,
  query: '(while_statement condition: (_) @condition body: (block) @body) @loop',
  check({ loop, condition, body }, { model, report }) {
    const fn = model.enclosingFunction(loop);
    if (!fn?.isAsync || !model.isInCoroutine(loop) || model.awaitPointsIn(loop).length > 0) return;
    const statements = body.namedChildren.filter((s): s is Node => !!s && s.type !== 'comment');
    const idle = statements.every((s) => s.type === 'pass_statement' || s.type === 'continue_statement'
      || (s.type === 'expression_statement' && s.namedChildren[0]?.type === 'ellipsis'));
    if (isAlwaysTrue(condition)) {
      if (!idle && (leaves(body, loop, model) || insideTry(loop, fn.node) || callsExit(body, model) || drains(body))) return;
      report(loop, `\`while ${snippet(condition)}\` in ${model.describeContext(loop)} never awaits and nothing in it ends the loop: it holds the event loop forever and no other task runs again; await inside it (\`await asyncio.sleep(...)\`, or the awaitable it is waiting for)`, { endNode: condition });
      return;
    }
    if (!idle) return;
    report(loop, `\`while ${snippet(condition)}\` in ${model.describeContext(loop)} spins without awaiting: no other task runs until the condition changes, and if another task is what changes it, it spins forever; await an \`asyncio.Event\` (or other awaitable) instead`, { endNode: condition });
  },
});

/** `while True:` / `while 1:` (or any other truthy constant). */
function isAlwaysTrue(condition: Node): boolean {
  switch (condition.type) {
    case 'true':
    case 'ellipsis':
      return true;
    case 'integer':
    case 'float': {
      const value = Number(condition.text.replace(/_/g, '').replace(/[jJ]$/, ''));
      return !Number.isNaN(value) && value !== 0;
    }
    case 'string':
      return condition.text.replace(/^[a-zA-Z]*(['"]{1,3})/, '').length > 2; // a non-empty string literal
    default:
      return false;
  }
}

/** Is there a `break` of this loop, or a `return`, `raise` or `yield` of its function, in the body? */
function leaves(body: Node, loop: Node, model: SemanticModel): boolean {
  const fn = model.enclosingFunction(loop);
  return body.descendantsOfType([...LEAVING]).some((node) => {
    if (!node || model.enclosingFunction(node) !== fn) return false;
    return node.type !== 'break_statement' || innermostLoop(node) === loop.id;
  });
}

/** The id of the loop a `break` belongs to. */
function innermostLoop(node: Node): number | null {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (LOOPS.has(parent.type)) return parent.id;
    if (parent.type === 'function_definition' || parent.type === 'lambda') return null;
  }
  return null;
}

/** Is the loop inside a `try` with handlers in its function (`try: while True: q.get_nowait() ... except
 *  QueueEmpty:`): an exception from the body may be how it ends. */
function insideTry(loop: Node, fn: Node): boolean {
  for (let child = loop, parent = loop.parent; parent && parent.id !== fn.id; child = parent, parent = parent.parent) {
    if (parent.type === 'try_statement' && parent.childForFieldName('body')?.id === child.id
      && parent.namedChildren.some((c) => c?.type === 'except_clause' || c?.type === 'except_group_clause')) return true;
  }
  return false;
}

/** Calls that raise once what they take from is empty (`queue.get_nowait()`, `next(it)`, `items.pop()`): the
 *  loop may be meant to end with that exception, caught by the caller. */
const DRAINING = /(^|_)nowait$|^(next|pop|popleft|popitem)$/;

function drains(body: Node): boolean {
  return body.descendantsOfType('call').some((call) => DRAINING.test(calledName(call) ?? ''));
}

function callsExit(body: Node, model: SemanticModel): boolean {
  return body.descendantsOfType('call').some((call) => !!call && EXITS.has(model.callee(call) ?? ''));
}
