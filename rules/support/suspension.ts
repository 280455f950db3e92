// Can a cancellation reach a piece of a coroutine? `task.cancel()` delivers CancelledError only where the task
// suspends: at an await that yields to the loop. `await self._refresh()` of a local coroutine function that
// never suspends itself (no await, `async for` or `async with` in it, or only awaits of the same kind) runs to
// its end without yielding, so nothing can be cancelled there (textual's View.refresh_layout).
import type { Node } from 'web-tree-sitter';
import type { FunctionInfo, SemanticModel } from '../../src/analyzer/model/semantic-model.js';

/** Does the code suspend somewhere in `node` (its own await points, not those of nested defs)? Unknown awaits do. */
export function maySuspendIn(node: Node, model: SemanticModel, seen: Set<FunctionInfo> = new Set()): boolean {
  return model.awaitPointsIn(node).some((point) => maySuspendAt(point, model, seen));
}

function maySuspendAt(point: Node, model: SemanticModel, seen: Set<FunctionInfo>): boolean {
  const fn = localCoroutineAwaited(point, model);
  if (!fn) return true;
  // Recursion: it suspends only if something else in it does.
  if (seen.has(fn)) return false;
  seen.add(fn);
  const body = fn.node.childForFieldName('body');
  return !body || maySuspendIn(body, model, seen);
}

/** The local coroutine function an await point awaits a call of, when we know its body is what runs. */
function localCoroutineAwaited(point: Node, model: SemanticModel): FunctionInfo | null {
  const call = point.type === 'await' ? point.namedChildren[0] : null;
  if (call?.type !== 'call') return null;
  const name = model.callee(call);
  const fn = name ? model.definition(name) : undefined;
  if (!fn || !('isAsync' in fn) || !fn.isAsync || fn.isGenerator || fn.isLambda || fn.decorators.length > 0) return null;
  // `self.name()` may be another local class's method of that name.
  if (fn.ownerClass && model.classes.some((cls) => cls !== fn.ownerClass && cls.methods.has(fn.name))) return null;
  // A stub method (`pass`, `...`, a docstring, `raise NotImplementedError`) is a hook that subclasses override.
  if (fn.ownerClass && isStub(fn)) return null;
  return fn;
}

/** Can a CancelledError come out of an await in `node`? Not out of `await self.run_code(...)` when every place
 *  the local coroutine suspends lies in the body of a try whose handler takes the cancellation and does not hand
 *  it on (`swallows`): that handler is where the cancellation is lost, and is reported there; a handler around
 *  the await never sees it (IPython's run_cell_async around run_code). */
export function cancellationMayComeOutOf(node: Node, model: SemanticModel, swallows: (tryStatement: Node) => boolean): boolean {
  const seen = new Set<FunctionInfo>();
  return model.awaitPointsIn(node).some((point) => {
    const fn = localCoroutineAwaited(point, model);
    if (!fn) return true;
    if (seen.has(fn)) return false;
    seen.add(fn);
    const body = fn.node.childForFieldName('body');
    if (!body) return true;
    return model.awaitPointsIn(body).some((inner) => !swallowedAround(inner, fn, swallows));
  });
}

/** Does a try inside `fn`, whose body holds `point`, swallow what is raised there? */
function swallowedAround(point: Node, fn: FunctionInfo, swallows: (tryStatement: Node) => boolean): boolean {
  for (let at: Node | null = point; at && at.id !== fn.node.id; at = at.parent) {
    const parent = at.parent;
    if (parent?.type === 'try_statement' && parent.childForFieldName('body')?.id === at.id && swallows(parent)) return true;
  }
  return false;
}

function isStub(fn: FunctionInfo): boolean {
  const statements = fn.node.childForFieldName('body')?.namedChildren.filter((s): s is Node => !!s && s.type !== 'comment') ?? [];
  return statements.every((statement) => statement.type === 'pass_statement' || statement.type === 'raise_statement'
    || (statement.type === 'expression_statement' && ['string', 'ellipsis'].includes(statement.namedChildren[0]?.type ?? '')));
}
