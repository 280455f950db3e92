import type { Node } from 'web-tree-sitter';
import { defineRule, type ReportOptions } from '../src/analyzer/rule.js';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { CANCELLATION_EXCEPTIONS, CANCELLATION_EXCEPTION_FACTORIES } from '../src/analyzer/model/known-apis.js';

/** What one `except` clause catches, as far as cancellation goes. */
interface Caught {
  /** Catches the cancellation exception by name (CancelledError, trio.Cancelled...). */
  cancellation: boolean;
  /** Catches it through BaseException or a bare `except:`. */
  everything: boolean;
  /** Catches other exceptions too (so `raise` at its end would re-raise those as well). */
  others: boolean;
  /** The `as NAME` binding, if any. */
  alias: string | null;
}

export default defineRule({
  name: 'swallowed-cancellation',
  aliases: ['ASYNC103', 'ASYNC104'],
  severity: 'warning',
  scope: 'coroutine',
  what: 'Reports `except asyncio.CancelledError`, `except BaseException` or a bare `except:` in a coroutine whose handler does not re-raise.',
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
  query: '(try_statement body: (block) @body (except_clause) @handler)',
  check({ body, handler }, { model, report }) {
    if (!model.isInCoroutine(handler) || handler.children.some((c) => c?.type === '*')) return;
    const caught = whatIsCaught(handler, model);
    if (!caught || (!caught.cancellation && !caught.everything)) return;
    // Cancellation arrives only at an await point of the try body.
    if (model.awaitPointsIn(body).length === 0) return;
    if (earlierHandlerTakesCancellation(handler, model)) return;
    // `task.cancel(); try: await task; except CancelledError: pass` waits for a task we cancelled ourselves.
    if (caught.cancellation && !caught.everything && awaitsOnlyTaskObjects(body, model)) return;
    const block = handler.namedChildren.find((c) => c?.type === 'block');
    if (!block || reRaises(block, caught.alias, model) || forwards(block, caught.alias, model)) return;
    if (callsLocalCancellationRaiser(block, model) || reRaisesOuterCancellationAfterwards(handler, model)) return;
    const clause = handler.text.slice(0, handler.text.indexOf(':') + 1).replace(/\s+/g, ' ');
    const catches = caught.cancellation ? 'catches' : 'also catches';
    report(handler, `\`${clause}\` in ${model.describeContext(handler)} ${catches} the task's cancellation and never re-raises it, so the cancellation is lost: the task may run on after \`cancel()\` or a timeout, or end as if it had completed, and an \`asyncio.timeout()\` around it never raises TimeoutError; add \`raise\``, {
      ...fixFor(handler, block, caught, model),
      endNode: handler.child(handler.children.findIndex((c) => c?.type === ':')) ?? handler,
    });
  },
});

function whatIsCaught(handler: Node, model: SemanticModel): Caught | null {
  const value = handler.childForFieldName('value');
  if (!value) return { cancellation: false, everything: true, others: true, alias: null };
  let types: Node | null = value;
  let alias: string | null = null;
  if (value.type === 'as_pattern') {
    types = value.namedChildren[0];
    alias = value.childForFieldName('alias')?.namedChildren[0]?.text ?? null;
  }
  while (types?.type === 'parenthesized_expression') types = types.namedChildren[0];
  if (!types) return null;
  const elements = types.type === 'tuple' ? types.namedChildren.filter((c): c is Node => !!c) : [types];
  const caught: Caught = { cancellation: false, everything: false, others: false, alias };
  for (const element of elements) {
    if (isCancellationClass(element, model)) caught.cancellation = true;
    else if (model.qualifiedName(element) === 'builtins.BaseException') caught.everything = caught.others = true;
    else caught.others = true;
  }
  return caught;
}

function isCancellationClass(expr: Node, model: SemanticModel): boolean {
  if (expr.type === 'call') return CANCELLATION_EXCEPTION_FACTORIES.has(model.callee(expr) ?? '');
  return CANCELLATION_EXCEPTIONS.has(model.qualifiedName(expr) ?? '');
}

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
 *  the CancelledError of the tasks we cancelled, like `await task`. */
function gathersOnlyTaskObjects(call: Node): boolean {
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'keyword_argument' && a.type !== 'comment') ?? [];
  return args.length > 0 && args.every((arg) => isTaskObject(arg.type === 'list_splat' ? arg.namedChildren[0] : arg));
}

const GATHERERS: ReadonlySet<string> = new Set(['asyncio.gather']);

/** Wait for the awaitable they are given and raise its CancelledError when it was cancelled. */
const TASK_WAITERS: ReadonlySet<string> = new Set(['asyncio.wait_for', 'asyncio.shield']);

/** The handler calls a function or method of this module that raises the cancellation itself
 *  (`self.cancel(); await self._raise_for_status()` where `_raise_for_status` does `raise asyncio.CancelledError()`):
 *  the cancellation is handed back to the task through the helper. */
function callsLocalCancellationRaiser(block: Node, model: SemanticModel): boolean {
  const owner = model.enclosingFunction(block);
  return block.descendantsOfType('call').some((call) => {
    if (!call || model.enclosingFunction(call) !== owner) return false;
    const name = model.callee(call);
    const helper = name ? model.definition(name) : undefined;
    if (!helper || !('isAsync' in helper) || helper === owner) return false;
    return helper.node.descendantsOfType('raise_statement').some((raise) => {
      const raised = raise?.namedChildren[0];
      return !!raised && model.enclosingFunction(raise) === helper && isCancellationClass(raised.type === 'call' ? raised.childForFieldName('function') ?? raised : raised, model);
    });
  });
}

/** A bare `raise`, or `raise NAME` (`raise NAME from None`, `raise NAME.with_traceback(tb)`) of the bound
 *  exception, in the handler (not in a nested def); or a new cancellation (`raise asyncio.CancelledError()
 *  from exc`), which the task ends with just the same. `raise Other() from NAME` replaces the cancellation and
 *  does not count. A handler that ends the process (`sys.exit(1)`, `raise SystemExit`, `os._exit(1)`) does
 *  not let the task run on either: SystemExit and KeyboardInterrupt leave the event loop from the task. */
function reRaises(block: Node, alias: string | null, model: SemanticModel): boolean {
  const owner = model.enclosingFunction(block);
  const raises = block.descendantsOfType('raise_statement').some((raise) => {
    if (!raise || model.enclosingFunction(raise) !== owner) return false;
    const raised = raise.namedChildren[0];
    if (!raised) return !inNestedHandler(raise, block);
    if (alias !== null && raised.type === 'identifier' && raised.text === alias) return true;
    const fn = raised.type === 'call' ? raised.childForFieldName('function') : null;
    if (alias !== null && fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'with_traceback'
      && fn.childForFieldName('object')?.text === alias) return true;
    const cls = fn ?? raised;
    return isCancellationClass(cls, model) || PROCESS_EXITS.has(model.qualifiedName(cls) ?? '');
  });
  return raises || block.descendantsOfType('call').some((call) =>
    !!call && PROCESS_EXIT_CALLS.has(model.callee(call) ?? '') && model.enclosingFunction(call) === owner);
}

/** The try sits in the handler of an outer cancellation (`except (CancelledError, TimeoutError): try: await
 *  cleanup() except BaseException: log(...)` and then `raise`): whatever the cleanup's handler swallowed, the
 *  code after that try always reaches the outer handler's bare `raise`, which re-raises the outer cancellation,
 *  so the task does not run on. Climbs out of `if`/`with` blocks; a `return`, `break` or `continue` on the way,
 *  a loop, or leaving the outer handler, ends the search. */
function reRaisesOuterCancellationAfterwards(handler: Node, model: SemanticModel): boolean {
  if (leavesEarly(handler)) return false;
  let statement = handler.parent;
  while (statement) {
    for (let next = statement.nextNamedSibling; next; next = next.nextNamedSibling) {
      if (next.type === 'comment') continue;
      if (next.type === 'raise_statement') return isBareRaiseOfCancellation(next, model);
      if (leavesEarly(next)) return false;
    }
    const block = statement.parent;
    const owner = block?.type === 'block' ? block.parent : null;
    if (owner?.type === 'if_statement' || owner?.type === 'with_statement') statement = owner;
    else if ((owner?.type === 'elif_clause' || owner?.type === 'else_clause') && owner.parent?.type === 'if_statement') statement = owner.parent;
    else return false;
  }
  return false;
}

const LEAVES = ['return_statement', 'break_statement', 'continue_statement'];

/** Has, or is, a `return`, `break` or `continue` (conservatively, even one in a nested def or loop). */
function leavesEarly(node: Node): boolean {
  return LEAVES.includes(node.type) || node.descendantsOfType(LEAVES).length > 0;
}

/** `raise` (or `raise NAME` of the clause's own binding) directly in an `except` clause that catches the cancellation. */
function isBareRaiseOfCancellation(raise: Node, model: SemanticModel): boolean {
  let clause: Node | null = raise.parent;
  while (clause && clause.type !== 'except_clause' && clause.type !== 'function_definition') clause = clause.parent;
  if (clause?.type !== 'except_clause') return false;
  const caught = whatIsCaught(clause, model);
  if (!caught || (!caught.cancellation && !caught.everything)) return false;
  const raised = raise.namedChildren[0];
  return !raised || (raised.type === 'identifier' && raised.text === caught.alias);
}

/** A bare `raise` in an `except` clause of a try inside the handler re-raises that clause's exception, not the
 *  cancellation (`except CancelledError: try: await cleanup() except OSError: raise`). */
function inNestedHandler(raise: Node, block: Node): boolean {
  for (let parent = raise.parent; parent && parent.id !== block.id; parent = parent.parent) {
    if (parent.type === 'except_clause') return true;
  }
  return false;
}

const PROCESS_EXITS: ReadonlySet<string> = new Set(['builtins.SystemExit', 'builtins.KeyboardInterrupt']);
const PROCESS_EXIT_CALLS: ReadonlySet<string> = new Set(['sys.exit', 'os._exit', 'os.abort', 'builtins.exit', 'builtins.quit']);

const LOGGING_METHODS = new Set(['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log', 'print', 'print_exc', 'log_debug', 'log_exception']);

/** The handler hands the bound exception on (`self._convert_error(exc)`, `future.set_exception(exc)`,
 *  `nursery._add_exc(exc)`) or keeps it (`err = exc`): whoever receives it may raise it, so the handler is not known to swallow it.
 *  Logging it does not count. */
function forwards(block: Node, alias: string | null, model: SemanticModel): boolean {
  const owner = model.enclosingFunction(block);
  if (handsOnExcInfo(block, owner, model)) return true;
  if (alias === null) return false;
  // `err = exc` keeps it to raise later (`if err is not None: raise err` after the loop).
  if (block.descendantsOfType('assignment').some((a) => a?.childForFieldName('right')?.type === 'identifier' && a.childForFieldName('right')?.text === alias && model.enclosingFunction(a) === owner)) return true;
  // `return exc`, `return Error(exc)`, `return ("err", exc)`: the caller gets the exception as a value (an
  // outcome capture, `outcome.acapture`) and decides whether to raise it.
  if (block.descendantsOfType('return_statement').some((r) => !!r && model.enclosingFunction(r) === owner
    && r.descendantsOfType('identifier').some((id) => id?.text === alias))) return true;
  return block.descendantsOfType('argument_list').some((args) => {
    if (!args || model.enclosingFunction(args) !== owner || !args.namedChildren.some((arg) => arg?.type === 'identifier' && arg.text === alias)) return false;
    const fn = args.parent?.childForFieldName('function');
    const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
    return !!name && !LOGGING_METHODS.has(name);
  });
}

/** `retry_state.set_exception(sys.exc_info())`, `future.set_exception(sys.exception())`: the handler hands the
 *  exception being handled to someone who may raise it (tenacity's AsyncRetrying stores it in a Future and
 *  re-raises it through `fut.result()` when the retry policy declines a CancelledError). Logging it does not count. */
function handsOnExcInfo(block: Node, owner: ReturnType<SemanticModel['enclosingFunction']>, model: SemanticModel): boolean {
  if (!block.text.includes('sys.exc')) return false; // text first: most handlers never mention it
  return block.descendantsOfType('call').some((call) => {
    if (!call || !EXC_INFO.has(model.callee(call) ?? '') || model.enclosingFunction(call) !== owner) return false;
    const args = call.parent;
    const outer = args?.type === 'argument_list' ? args.parent : null;
    const fn = outer?.type === 'call' ? outer.childForFieldName('function') : null;
    const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
    return !!name && !LOGGING_METHODS.has(name);
  });
}

const EXC_INFO: ReadonlySet<string> = new Set(['sys.exc_info', 'sys.exception']);

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
    const asyncio = model.moduleAlias('asyncio');
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

/** `asyncio.CancelledError` is the wrong class under trio or anyio. */
function importsOtherBackend(model: SemanticModel): boolean {
  return model.importsFrom('trio') || model.importsFrom('anyio');
}
