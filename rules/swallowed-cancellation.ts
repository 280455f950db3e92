import type { Node } from 'web-tree-sitter';
import { defineRule, type ReportOptions, type RuleContext } from '../src/analyzer/rule.js';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { whatIsCaught, type Caught } from './support/except-clauses.js';
import { handsCancellationOn } from './support/cancellation-handoff.js';
import { asyncLibrary } from '../src/analyzer/rule-helpers.js';

export default defineRule({
  name: 'swallowed-cancellation',
  aliases: ['ASYNC103', 'ASYNC104'],
  severity: 'warning',
  scope: 'coroutine',
  what: 'Reports `except asyncio.CancelledError`, `except BaseException` or a bare `except:` in a coroutine whose handler does not re-raise, and a `return`, `break` or `continue` in the `finally:` of a try that awaits (it discards the exception in flight).',
  why: 'Cancellation is delivered as an exception: a handler that swallows it makes `task.cancel()`, timeouts and TaskGroup shutdown silently fail, so the task keeps running and whoever waits for it hangs.',
  bad: `import asyncio


async def worker(queue):
    try:
        while True:
            await queue.get()
    except asyncio.CancelledError:
        print("worker stopped")
`,
  good: `import asyncio


async def worker(queue):
    try:
        while True:
            await queue.get()
    except asyncio.CancelledError:
        print("worker stopped")
        raise
`,
  fix: 'Adds `raise` at the end of a handler that catches only the cancellation (replacing a sole `pass`); for a bare `except:` or `except BaseException:`, inserts an `except asyncio.CancelledError: raise` clause before it.',
  query: `
(try_statement body: (block) @body (except_clause) @handler)
(try_statement body: (block) @body (finally_clause (block) @finally))
`,
  check({ body, handler, finally: cleanup }, { model, report }) {
    if (cleanup) {
      reportExitsFromFinally(body, cleanup, model, report);
      return;
    }
    if (!model.isInCoroutine(handler) || handler.children.some((c) => c?.type === '*')) return;
    const caught = whatIsCaught(handler, model);
    if (!caught || (!caught.cancellation && !caught.everything)) return;
    // Cancellation arrives only at an await point of the try body.
    if (model.awaitPointsIn(body).length === 0) return;
    if (earlierHandlerTakesCancellation(handler, model)) return;
    // `task.cancel(); try: await task; except CancelledError: pass` waits for a task we cancelled ourselves.
    if (caught.cancellation && !caught.everything && awaitsOnlyTaskObjects(body, model)) return;
    const block = handler.namedChildren.find((c) => c?.type === 'block');
    if (!block || handsCancellationOn(handler, block, caught, model)) return;
    const clause = handler.text.slice(0, handler.text.indexOf(':') + 1).replace(/\s+/g, ' ');
    const catches = caught.cancellation ? 'catches' : 'also catches';
    report(handler, `\`${clause}\` in ${model.describeContext(handler)} ${catches} the task's cancellation and never re-raises it, so the cancellation is lost: the task may run on after \`cancel()\` or a timeout, or end as if it had completed${timeoutEffect(handler, model)}; add \`raise\``, {
      ...fixFor(handler, block, caught, model),
      endNode: handler.child(handler.children.findIndex((c) => c?.type === ':')) ?? handler,
    });
  },
});

/** An earlier `except CancelledError:`, `except BaseException:` or bare `except:` of the same try takes the
 *  cancellation before this handler sees it (after a catch-all, this handler is never reached at all). */
function earlierHandlerTakesCancellation(handler: Node, model: SemanticModel): boolean {
  for (let sibling = handler.previousNamedSibling; sibling; sibling = sibling.previousNamedSibling) {
    if (sibling.type !== 'except_clause') continue;
    const caught = whatIsCaught(sibling, model);
    if (caught?.cancellation || caught?.everything) return true;
  }
  return false;
}

/** The try body only awaits task objects (`await task`, `return await self._task`, `result = await task`,
 *  `await asyncio.wait_for(self._worker, timeout)`, `await asyncio.shield(task)`), not calls; it may also
 *  cancel them first (`self._task.cancel()` before `await self._task` in the same try). */
function awaitsOnlyTaskObjects(body: Node, model: SemanticModel): boolean {
  const statements = body.namedChildren.filter((s): s is Node => !!s && s.type !== 'comment');
  return statements.length > 0 && statements.every((statement) => {
    if (isCancelCall(statement)) return true;
    let awaited = statement.type === 'expression_statement' || statement.type === 'return_statement' ? statement.namedChildren[0] : null;
    if (awaited?.type === 'assignment') awaited = awaited.childForFieldName('right');
    let target = awaited?.type === 'await' ? awaited.namedChildren[0] : null;
    if (target?.type === 'call' && GATHERERS.has(model.callee(target) ?? '')) return gathersOnlyTaskObjects(target);
    if (target?.type === 'call' && TASK_WAITERS.has(model.callee(target) ?? '')) target = target.childForFieldName('arguments')?.namedChildren[0] ?? null;
    return isTaskObject(target);
  });
}

/** `task.cancel()` / `self._task.cancel(msg)` as a statement of its own. */
function isCancelCall(statement: Node): boolean {
  const call = statement.type === 'expression_statement' ? statement.namedChildren[0] : null;
  const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'cancel' && isTaskObject(fn.childForFieldName('object'));
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

const GATHERERS: ReadonlySet<string> = new Set(['asyncio.gather']);

/** Wait for the awaitable they are given and raise its CancelledError when it was cancelled. */
const TASK_WAITERS: ReadonlySet<string> = new Set(['asyncio.wait_for', 'asyncio.shield']);

/** `finally: return` (or `break`/`continue` leaving the try's loop) replaces whatever exception is in flight,
 *  a CancelledError delivered at an await of the try included, with the jump: the task runs on. */
function reportExitsFromFinally(body: Node, cleanup: Node, model: SemanticModel, report: RuleContext['report']): void {
  if (!model.isInCoroutine(cleanup)) return;
  const tryStatement = body.parent!;
  const clauses = tryStatement.namedChildren.filter((c): c is Node => c?.type === 'except_clause' || c?.type === 'else_clause');
  if (![body, ...clauses].some((part) => model.awaitPointsIn(part).length > 0)) return;
  const owner = model.enclosingFunction(cleanup);
  for (const exit of cleanup.descendantsOfType(['return_statement', 'break_statement', 'continue_statement'])) {
    if (!exit || model.enclosingFunction(exit) !== owner || (exit.type !== 'return_statement' && isInLoopWithin(exit, cleanup))) continue;
    const keyword = exit.type.replace('_statement', '');
    report(exit, `\`${keyword}\` in the \`finally:\` of a try that awaits, in ${model.describeContext(exit)}: it discards the exception in flight, so a cancellation delivered at one of the try's awaits is lost and the task runs on (Python 3.14 warns about it); \`${keyword}\` after the try instead`);
  }
}

/** Is the `break`/`continue` inside a loop that is itself inside the finally block (so it leaves only that loop)? */
function isInLoopWithin(exit: Node, cleanup: Node): boolean {
  for (let parent = exit.parent; parent && parent.id !== cleanup.id; parent = parent.parent) {
    if (parent.type === 'for_statement' || parent.type === 'while_statement') return true;
  }
  return false;
}

const ENDS_FLOW = new Set(['return_statement', 'break_statement', 'continue_statement', 'raise_statement']);

function fixFor(handler: Node, block: Node, caught: Caught, model: SemanticModel): ReportOptions {
  const statements = block.namedChildren.filter((s): s is Node => !!s && s.type !== 'comment');
  const last = statements[statements.length - 1];
  if (!last || ENDS_FLOW.has(last.type)) return {};
  const { source } = model;
  const handlerRow = handler.startPosition.row;
  const sameLine = statements[0].startPosition.row === handlerRow;
  if (caught.others) {
    // Re-raising everything would change how other exceptions are handled: let cancellation through first.
    const asyncio = model.moduleAlias('asyncio', handler);
    if (!caught.everything || caught.cancellation || !asyncio || importsOtherBackend(model)) return {};
    const indent = source.indentOf(handlerRow);
    const bodyIndent = sameLine ? `${indent}    ` : source.indentOf(statements[0].startPosition.row);
    return { lineFix: { line: handlerRow + 1, endLine: handlerRow + 1, replacement: `${indent}except ${asyncio}.CancelledError:\n${bodyIndent}raise\n${source.line(handlerRow)}` } };
  }
  if (statements.length === 1 && last.type === 'pass_statement') return { lineFix: replaceNodeLine(last, 'raise', model) };
  if (sameLine) return {};
  const lastRow = last.endPosition.row;
  const indent = source.indentOf(statements[0].startPosition.row);
  return { lineFix: { line: lastRow + 1, endLine: lastRow + 1, replacement: `${source.line(lastRow)}\n${indent}raise` } };
}

function replaceNodeLine(node: Node, text: string, model: SemanticModel): { line: number; endLine: number; replacement: string } {
  const row = node.startPosition.row;
  const line = model.source.line(row);
  return { line: row + 1, endLine: row + 1, replacement: line.slice(0, node.startPosition.column) + text + line.slice(node.endPosition.column) };
}

/** `asyncio.timeout()` (3.11+) learns of its expiry only from the cancellation it delivers: swallowed, the
 *  block ends without TimeoutError. Said only where the code is asyncio's and every supported Python has it. */
function timeoutEffect(handler: Node, model: SemanticModel): string {
  return asyncLibrary(model, handler) === 'asyncio' && model.pythonHas([3, 11]) ? ', and an `asyncio.timeout()` around it never raises TimeoutError' : '';
}

/** `asyncio.CancelledError` is the wrong class under trio or anyio. */
function importsOtherBackend(model: SemanticModel): boolean {
  return model.importsFrom('trio') || model.importsFrom('anyio');
}
