// Does an `except` handler that caught the task's cancellation hand it back to the task? By re-raising it,
// raising a new one, ending the process, passing the exception to whoever may raise it, calling a local helper
// that raises it, reaching an outer handler's bare `raise`, or cancelling the scope it runs in again. Any of
// these means the cancellation is not lost.
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../../src/analyzer/model/semantic-model.js';
import { CANCEL_SCOPE_TYPES } from '../../src/analyzer/model/known-apis.js';
import { calledName, REPORTING_CALLS } from './calls.js';
import { isCancellationClass, whatIsCaught, type Caught } from './except-clauses.js';

export function handsCancellationOn(handler: Node, block: Node, caught: Caught, model: SemanticModel): boolean {
  return reRaises(block, caught.alias, model) || forwards(block, caught.alias, model)
    || callsLocalCancellationRaiser(block, model) || reRaisesOuterCancellationAfterwards(handler, model)
    || cancelsAgain(block, model);
}

/** The handler cancels the scope it runs in again (anyio's TaskGroup: `except CancelledError:
 *  self.cancel_scope.cancel()`), or its own task (`asyncio.current_task().cancel()`): the cancellation is
 *  delivered anew at the task's next await. A scope is known by its name (`cancel_scope`, `self._scope`) or type. */
function cancelsAgain(block: Node, model: SemanticModel): boolean {
  const owner = model.enclosingFunction(block);
  return block.descendantsOfType('call').some((call) => {
    const fn = call?.childForFieldName('function');
    if (!call || fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'cancel' || model.enclosingFunction(call) !== owner) return false;
    const target = fn.childForFieldName('object');
    if (!target) return false;
    if (target.type === 'call') return CURRENT_TASK.has(model.callee(target) ?? '');
    const name = target.type === 'attribute' ? target.childForFieldName('attribute')?.text : target.text;
    return /scope$/i.test(name ?? '') || CANCEL_SCOPE_TYPES.has(model.typeOf(target) ?? '');
  });
}

const CURRENT_TASK: ReadonlySet<string> = new Set(['asyncio.current_task', 'asyncio.tasks.current_task']);


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
  // outcome capture, `outcome.acapture`) and decides whether to raise it. Not a value made from it
  // (`exc.__class__.__name__`, `f"failed: {exc}"`): the exception itself is gone.
  if (block.descendantsOfType('return_statement').some((r) => !!r && model.enclosingFunction(r) === owner
    && r.descendantsOfType('identifier').some((id) => id?.text === alias && isTheValueItself(id)))) return true;
  return block.descendantsOfType('argument_list').some((args) => {
    if (!args || model.enclosingFunction(args) !== owner || !args.namedChildren.some((arg) => arg?.type === 'identifier' && arg.text === alias)) return false;
    const name = calledName(args.parent);
    return !!name && !REPORTING_CALLS.has(name);
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
    const name = calledName(args?.type === 'argument_list' ? args.parent : null);
    return !!name && !REPORTING_CALLS.has(name);
  });
}

const EXC_INFO: ReadonlySet<string> = new Set(['sys.exc_info', 'sys.exception']);

/** An identifier used as a value of its own: not the object of an attribute (`exc.args`) nor inside a string
 *  interpolation (`f"{exc}"`). */
function isTheValueItself(identifier: Node): boolean {
  for (let node: Node | null = identifier; node && node.type !== 'return_statement'; node = node.parent) {
    if (node.type === 'interpolation') return false;
    if (node.type === 'attribute' && node.childForFieldName('object')?.id === identifier.id) return false;
  }
  return true;
}
