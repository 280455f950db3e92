// The owner's cancel-then-wait idiom: `task.cancel()` then `await task` in a try that catches CancelledError.
// The CancelledError caught there is the awaited task's, which is what cancelling it was meant to produce.
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../../src/analyzer/model/semantic-model.js';

/** The try body only waits for task objects (`await task`, `return await self._task`, `result = await task`,
 *  `await asyncio.wait_for(self._worker, timeout)`, `await asyncio.shield(task)`, `await asyncio.gather(*tasks)`),
 *  not calls; it may also cancel them first (`self._task.cancel()` before `await self._task` in the same try).
 *  `await asyncio.wait([task])` raises nothing of the task's, so it counts only with a `task.result()` after it
 *  (which raises the task's CancelledError), as in `await asyncio.wait(tasks); for t in tasks: t.result()`. */
export function awaitsOnlyTaskObjects(body: Node, model: SemanticModel): boolean {
  const statements = body.namedChildren.filter((s): s is Node => !!s && s.type !== 'comment');
  let waits = false;
  let readsResult = false;
  let awaitsSomething = false;
  const only = statements.length > 0 && statements.every((statement) => {
    if (isCancelCall(statement)) return true;
    // A call that never suspends cannot receive the cancellation (`logger.warning("awaiting...")`). One that
    // binds a name can: `coro = connect(); await asyncio.wait_for(coro, 60)` awaits a call, not a task.
    if (model.awaitPointsIn(statement).length === 0) {
      readsResult ||= readsTaskResult(statement);
      return waits || (statement.type === 'expression_statement' && statement.namedChildren[0]?.type === 'call');
    }
    awaitsSomething = true;
    let target = awaitedBy(statement);
    if (target?.type === 'call' && GATHERERS.has(model.callee(target) ?? '')) return gathersOnlyTaskObjects(target);
    if (target?.type === 'call' && WAITERS.has(model.callee(target) ?? '')) {
      waits = true;
      return passesOnlyTaskObjects(target);
    }
    if (target?.type === 'call' && TASK_WAITERS.has(model.callee(target) ?? '')) target = target.childForFieldName('arguments')?.namedChildren[0] ?? null;
    return isTaskObject(target);
  });
  return only && awaitsSomething && (!waits || readsResult);
}

/** `task.cancel()` / `self._task.cancel(msg)` as a statement of its own. */
function isCancelCall(statement: Node): boolean {
  const call = statement.type === 'expression_statement' ? statement.namedChildren[0] : null;
  return call?.type === 'call' && cancelsATask(call);
}

/** `task.cancel()`, `self._task.cancel(msg)`. */
function cancelsATask(call: Node): boolean {
  const fn = call.childForFieldName('function');
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'cancel' && isTaskObject(fn.childForFieldName('object'));
}

/** What a statement awaits: `await x`, `y = await x`, `return await x` → x. */
function awaitedBy(statement: Node): Node | null {
  let value = statement.type === 'expression_statement' || statement.type === 'return_statement' ? statement.namedChildren[0] : null;
  if (value?.type === 'assignment') value = value.childForFieldName('right');
  return value?.type === 'await' ? value.namedChildren[0] ?? null : null;
}

function isTaskObject(node: Node | null | undefined): boolean {
  return node?.type === 'identifier' || node?.type === 'attribute';
}

/** `asyncio.gather(*tasks)`, `asyncio.gather(self._reader, self._writer, return_exceptions=False)`: raises
 *  the CancelledError of the tasks we cancelled, like `await task`. With `return_exceptions=True` their
 *  cancellations come back as results instead, so a CancelledError caught there is this task's own. */
function gathersOnlyTaskObjects(call: Node): boolean {
  const all = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
  const returnsExceptions = all.some((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'return_exceptions' && a.childForFieldName('value')?.text !== 'False');
  const args = all.filter((a) => a.type !== 'keyword_argument');
  return !returnsExceptions && args.length > 0 && args.every((arg) => isTaskObject(arg.type === 'list_splat' ? arg.namedChildren[0] : arg));
}

/** `asyncio.wait(tasks)`, `asyncio.wait([self._task], timeout=5)`, `asyncio.wait({t1, t2})`. */
function passesOnlyTaskObjects(call: Node): boolean {
  const first = call.childForFieldName('arguments')?.namedChildren.find((a) => !!a && a.type !== 'comment' && a.type !== 'keyword_argument');
  if (!first) return false;
  if (first.type === 'list' || first.type === 'set' || first.type === 'tuple') return first.namedChildren.every((e) => !e || e.type === 'comment' || isTaskObject(e));
  return isTaskObject(first);
}

/** The statement reads a result (`task.result()`, `t.exception()`), directly or in a loop over tasks. */
function readsTaskResult(statement: Node): boolean {
  return statement.descendantsOfType('call').some((call) => {
    const fn = call?.childForFieldName('function');
    return fn?.type === 'attribute' && RESULT_READERS.has(fn.childForFieldName('attribute')?.text ?? '') && isTaskObject(fn.childForFieldName('object'));
  });
}

/** Raise the CancelledError of a cancelled task. */
const RESULT_READERS: ReadonlySet<string> = new Set(['result', 'exception']);

const GATHERERS: ReadonlySet<string> = new Set(['asyncio.gather']);

/** Wait for tasks without raising their exceptions. */
const WAITERS: ReadonlySet<string> = new Set(['asyncio.wait']);

/** Wait for the awaitable they are given and raise its CancelledError when it was cancelled. */
const TASK_WAITERS: ReadonlySet<string> = new Set(['asyncio.wait_for', 'asyncio.shield']);

/** An `except CancelledError:` block that passes the cancellation down to the tasks the coroutine started: it
 *  cancels them (`for task in tasks: task.cancel()`), and from then on, in the handler and after the try, the
 *  coroutine at most collects them (`await asyncio.gather(*tasks, return_exceptions=True)`) and returns. It
 *  answers its own cancellation with what its children got done, on purpose (parfive returns the partial
 *  downloads on Ctrl-C). Not inside a loop, which would go round again and start new work. */
export function cancelsItsOwnTasks(handlerBlock: Node, model: SemanticModel): boolean {
  const cancels = handlerBlock.descendantsOfType('call').some((call) => !!call && cancelsATask(call));
  const tryStatement = handlerBlock.parent?.parent;
  const owner = model.enclosingFunction(handlerBlock);
  if (!cancels || tryStatement?.type !== 'try_statement' || !owner) return false;
  for (let at = tryStatement.parent; at && at.id !== owner.node.id; at = at.parent) if (at.type === 'for_statement' || at.type === 'while_statement') return false;
  const following: Node[] = [];
  for (let next = tryStatement.nextNamedSibling; next; next = next.nextNamedSibling) following.push(next);
  return [...handlerBlock.namedChildren, ...following].every((statement) => !statement || statement.type === 'comment' || model.awaitPointsIn(statement).length === 0 || collectsOnlyTasks(statement, model));
}

/** `await task`, `results = await asyncio.gather(*tasks, return_exceptions=True)`, `return await asyncio.wait(tasks)`. */
function collectsOnlyTasks(statement: Node, model: SemanticModel): boolean {
  const target = awaitedBy(statement);
  if (target?.type === 'call') {
    const callee = model.callee(target) ?? '';
    if (!GATHERERS.has(callee) && !WAITERS.has(callee)) return false;
    const args = target.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment' && a.type !== 'keyword_argument') ?? [];
    return args.length > 0 && args.every((arg) => isTaskObject(arg.type === 'list_splat' ? arg.namedChildren[0] : arg));
  }
  return isTaskObject(target);
}
