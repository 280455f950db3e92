// Where a coroutine goes once an `except` handler (or a `finally:` that jumps) has swallowed the task's
// cancellation: on to another await (the task runs on), out with another exception, or to its end. Whether a
// lost cancellation matters depends on it: a task that only ends afterwards loses nothing anyone can see.
import type { Node } from 'web-tree-sitter';
import type { FunctionInfo, SemanticModel } from '../../src/analyzer/model/semantic-model.js';

export type Aftermath =
  /** The coroutine reaches another await point: a loop goes round again, or more awaits follow the try. */
  | { kind: 'runs-on'; via: 'loop' | 'await' }
  /** It raises another exception instead (`raise RuntimeError(...) from exc`, or a `raise` after the try). */
  | { kind: 'replaced' }
  /** It returns without awaiting again. `directly`: nothing at all runs between the handler and the return
   *  (but `finally:` clauses), so ending with `raise` there instead skips nothing. */
  | { kind: 'ends'; directly: boolean };

type Flow = Aftermath['kind'];
const SEVERITY: Record<Flow, number> = { ends: 0, replaced: 1, 'runs-on': 2 };

const JUMPS = ['return_statement', 'break_statement', 'continue_statement', 'raise_statement'];
const LOOPS = ['for_statement', 'while_statement'];

/** Where the coroutine goes after `handler` (whose body is `block`) ran: through its `return`s, `break`s,
 *  `continue`s and `raise`s, and off its end. The worst of them counts. */
export function afterHandler(handler: Node, block: Node, model: SemanticModel): Aftermath {
  const owner = model.enclosingFunction(handler);
  const outcomes: Aftermath[] = [];
  for (const jump of block.descendantsOfType(JUMPS)) {
    if (!jump || model.enclosingFunction(jump) !== owner) continue;
    if (jump.type === 'return_statement') outcomes.push({ kind: 'ends', directly: true });
    else if (jump.type === 'raise_statement') {
      // A `raise` in the handler of a try inside it re-raises that try's exception, on that path only.
      if (!withinClauseOf(jump, block)) outcomes.push({ kind: 'replaced' });
    }
    else if (!loopBetween(jump, block)) outcomes.push(afterJump(jump, handler, model));
  }
  if (mayFallThrough(block)) outcomes.push(onwardFrom(handler.parent!, model, block));
  return worst(outcomes);
}

/** Where a `return`, `break` or `continue` at `from` (a handler, or the try of a `finally:` block) sends the
 *  coroutine: a `break` leaves the loop around `from`. */
export function afterJump(jump: Node, from: Node, model: SemanticModel): Aftermath {
  if (jump.type === 'return_statement') return { kind: 'ends', directly: true };
  if (jump.type === 'raise_statement') return { kind: 'replaced' };
  const loop = enclosingLoop(from);
  if (!loop) return { kind: 'ends', directly: true }; // a SyntaxError; nothing to say
  return jump.type === 'continue_statement' ? { kind: 'runs-on', via: 'loop' } : onwardFrom(loop, model, null);
}

function worst(outcomes: Aftermath[]): Aftermath {
  let result: Aftermath = { kind: 'ends', directly: true };
  for (const outcome of outcomes) {
    if (SEVERITY[outcome.kind] > SEVERITY[result.kind]) result = outcome;
    else if (outcome.kind === 'ends' && result.kind === 'ends' && !outcome.directly) result = outcome;
  }
  return result;
}

/** Can control leave the block at its end (its last statement is no jump)? Jumps nested in an `if` leave
 *  some paths only, so the block may still fall through. */
function mayFallThrough(block: Node): boolean {
  const statements = block.namedChildren.filter((s): s is Node => !!s && s.type !== 'comment');
  const last = statements[statements.length - 1];
  return !last || !JUMPS.includes(last.type);
}

/** Is the node in an `except` clause inside the block? */
function withinClauseOf(node: Node, block: Node): boolean {
  for (let parent = node.parent; parent && parent.id !== block.id; parent = parent.parent) {
    if (parent.type === 'except_clause') return true;
  }
  return false;
}

/** Is there a loop between a `break`/`continue` and the block (so it leaves only that loop)? */
function loopBetween(jump: Node, block: Node): boolean {
  for (let node = jump.parent; node && node.id !== block.id; node = node.parent) {
    if (LOOPS.includes(node.type)) return true;
  }
  return false;
}

/** The innermost loop around the node in its function. */
function enclosingLoop(node: Node): Node | null {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (LOOPS.includes(parent.type)) return parent;
    if (parent.type === 'function_definition' || parent.type === 'lambda' || parent.type === 'class_definition') return null;
  }
  return null;
}

/** Does the coroutine await nothing more once `statement` completes normally (it only ends, perhaps after
 *  some sync code)? */
export function awaitsNothingAfter(statement: Node, model: SemanticModel): boolean {
  return onwardFrom(statement, model, null).kind === 'ends';
}

/** What runs after `statement` completes normally, climbing out of the blocks around it: a following statement
 *  that awaits, a loop that goes round again (unless `handlerBlock` has just made its condition false,
 *  `while self.running:` ... `self.running = False`), the else clause of a try, or the function's end. Awaits in
 *  `finally:` clauses and in `async with` exits are cleanup that runs whichever way the coroutine leaves. */
function onwardFrom(statement: Node, model: SemanticModel, handlerBlock: Node | null): Aftermath {
  let directly = true;
  let node = statement;
  climb: for (;;) {
    for (let next = node.nextNamedSibling; next; next = next.nextNamedSibling) {
      if (next.type === 'comment') continue;
      directly = false;
      if (model.awaitPointsIn(next).length > 0) return { kind: 'runs-on', via: 'await' };
      if (next.type === 'return_statement') return { kind: 'ends', directly };
      if (next.type === 'raise_statement') return { kind: 'replaced' };
      if (next.type === 'continue_statement') return { kind: 'runs-on', via: 'loop' };
      if (next.type === 'break_statement') {
        const loop = enclosingLoop(next);
        if (!loop) return { kind: 'ends', directly };
        node = loop;
        continue climb;
      }
    }
    const block = node.parent;
    const parent = block?.parent;
    if (!block || !parent || block.type !== 'block') return { kind: 'ends', directly };
    switch (parent.type) {
      case 'for_statement':
      case 'while_statement':
        // The loop goes round again, unless the handler made its condition false.
        if (!(handlerBlock && falsifiesCondition(parent, handlerBlock))) return { kind: 'runs-on', via: 'loop' };
        node = parent;
        break;
      case 'try_statement': {
        // The body completed: the try's `else:` runs next.
        const orElse = parent.namedChildren.find((c) => c?.type === 'else_clause');
        if (orElse && model.awaitPointsIn(orElse).length > 0) return { kind: 'runs-on', via: 'await' };
        if (orElse) directly = false;
        node = parent;
        break;
      }
      case 'else_clause':
      case 'elif_clause':
      case 'except_clause':
      case 'finally_clause':
        node = parent.parent!;
        break;
      case 'case_clause':
        node = parent.parent?.parent ?? parent; // case_clause → block → match_statement
        break;
      case 'if_statement':
      case 'with_statement':
        node = parent;
        break;
      default: // the function's body (or a class or module body: no coroutine there)
        return { kind: 'ends', directly };
    }
  }
}

/** `while self.running:` whose handler sets `self.running = False` (or `while not self.stopped:` and
 *  `self.stopped = True`): the loop ends once the handler is done. */
function falsifiesCondition(loop: Node, handlerBlock: Node): boolean {
  if (loop.type !== 'while_statement') return false;
  let condition = loop.childForFieldName('condition');
  let ending = 'False';
  if (condition?.type === 'not_operator') {
    condition = condition.childForFieldName('argument');
    ending = 'True';
  }
  if (!condition || (condition.type !== 'identifier' && condition.type !== 'attribute')) return false;
  const flag = condition.text;
  return handlerBlock.namedChildren.some((statement) => {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : null;
    return assignment?.type === 'assignment' && assignment.childForFieldName('left')?.text === flag
      && assignment.childForFieldName('right')?.text === ending;
  });
}

/** From the try of `handler` to the end of the function: no loop around the try, and none after it that may
 *  run on unbounded (a `while`, an `async for` over a stream). A `for` over a collection is bounded: cancelling
 *  the tasks still pending, then awaiting each, is how a shutdown ends. */
export function endsWithoutLooping(handler: Node, owner: FunctionInfo): boolean {
  const unbounded = (node: Node | null) => node?.type === 'while_statement' || (node?.type === 'for_statement' && node.firstChild?.type === 'async');
  for (let node = handler.parent; node && node.id !== owner.node.id; node = node.parent) {
    if (LOOPS.includes(node.type)) return false;
    for (let next = node.nextNamedSibling; next; next = next.nextNamedSibling) {
      if (unbounded(next) || next.descendantsOfType(LOOPS).some(unbounded)) return false;
    }
  }
  return true;
}
