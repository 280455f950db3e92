// Where the code suspends: which code a coroutine runs (and so blocks its loop while it runs), where `await`
// may be written, and the await points (`await`, `async with`, `async for`) of a function body.
import type { Node } from 'web-tree-sitter';
import type { FunctionInfo } from './module-facts.js';
import { AsyncKinds } from './async-kinds.js';
import type { Scope } from './scopes.js';

export abstract class Suspension extends AsyncKinds {
  /** The `async def`s not nested in another `async def`: together they hold every coroutine body. */
  outermostCoroutines(): FunctionInfo[] {
    return this.functions.filter((fn) => {
      if (!fn.isAsync) return false;
      for (let scope = fn.scope.parent; scope; scope = scope.parent) {
        if (this.functionsByNodeId.get(scope.node.id)?.isAsync) return false;
      }
      return true;
    });
  }

  /** Is the node's code run by a coroutine, blocking its event loop while it runs? So is code directly in the
   *  `async def`'s body, in the default values and decorators of a def or lambda nested there, and in the
   *  body of a class statement there (which runs when the statement does); not the body of a nested def or
   *  lambda (or a method of that class). */
  isInCoroutine(node: Node): boolean {
    let scope = this.ownerScope(node);
    let at = node.startIndex;
    // A class statement is a statement of its parent's body (never in a header).
    while (scope.kind === 'class' && scope.parent) {
      at = scope.start;
      scope = scope.parent;
    }
    const fn = this.functionsByNodeId.get(scope.node.id);
    // Annotations are evaluated (if ever) where the `async def` statement runs, not in the coroutine.
    return fn?.isAsync === true && at >= this.bodyStart(fn);
  }

  /** May `await` (or `async with`, `async for`) be written at the node: is it directly in an `async def`'s body
   *  (a class body run by a coroutine is not: `await` there is a SyntaxError)? */
  mayAwait(node: Node): boolean {
    const fn = this.enclosingFunction(node);
    return fn?.isAsync === true && node.startIndex >= this.bodyStart(fn);
  }

  protected bodyStart(fn: FunctionInfo): number {
    return this.scopes.bodyStart(fn.scope);
  }

  /** "coroutine `fetch`", "function `load`", "method `Client.get`", "module level" — for messages. */
  describeContext(node: Node): string {
    return this.describeScope(this.ownerScope(node));
  }

  protected describeScope(scope: Scope): string {
    if (scope.kind === 'class') {
      // The body of a class defined in a function: "class `A` in coroutine `f`".
      const cls = this.classesByNodeId.get(scope.node.id);
      const outer = scope.parent ? this.describeScope(scope.parent) : 'module level';
      return cls && outer !== 'module level' ? `class \`${cls.name}\` in ${outer}` : 'module level';
    }
    const fn = scope.kind === 'function' || scope.kind === 'lambda' ? this.functionsByNodeId.get(scope.node.id) : undefined;
    if (!fn) return 'module level';
    const name = fn.ownerClass ? `${fn.ownerClass.name}.${fn.name}` : fn.name;
    if (fn.isLambda) return 'a lambda';
    return `${fn.isAsync ? 'coroutine' : 'function'} \`${name}\``;
  }

  /** Await points (`await`, `async with`, `async for`, async comprehensions) inside `node` that run in the
   *  same function as `node` (not in nested defs or lambdas). */
  awaitPointsIn(node: Node): Node[] {
    const owner = this.ownerScope(node);
    return this.awaitPoints
      .filter((p) => p.start >= node.startIndex && p.start < node.endIndex && p.owner === owner)
      .map((p) => p.node);
  }
}
