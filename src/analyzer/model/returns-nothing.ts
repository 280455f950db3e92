// Does calling a sync function always give None? Asked by await-sync-function (`await save()` on such a
// function raises TypeError) and written into module summaries, so that other modules can ask too.
import type { Node } from 'web-tree-sitter';
import type { FunctionInfo } from './module-facts.js';

const answers = new WeakMap<FunctionInfo, boolean>();

/** A plain, undecorated `def` (no generator, no lambda) with no `return` of a value in its own body, which is
 *  not a placeholder (asked once per function: a module may await the same helper many times). */
export function returnsNothing(fn: FunctionInfo, enclosingFunction: (node: Node) => FunctionInfo | null): boolean {
  if (fn.isAsync || fn.isGenerator || fn.isLambda || fn.decorators.length > 0) return false;
  let answer = answers.get(fn);
  if (answer === undefined) {
    const body = fn.node.childForFieldName('body');
    answer = !!body && !isPlaceholder(body) && !body.descendantsOfType('return_statement').some((statement) =>
      !!statement && enclosingFunction(statement) === fn && statement.namedChildren.some((child) => child?.type !== 'comment' && child?.type !== 'none'));
    answers.set(fn, answer);
  }
  return answer;
}

/** `pass`, `...`, a docstring or `raise ...` alone: a stub that something else replaces. */
function isPlaceholder(body: Node): boolean {
  return body.namedChildren.every((statement) => !statement || statement.type === 'comment' || statement.type === 'pass_statement'
    || statement.type === 'raise_statement'
    || (statement.type === 'expression_statement' && ['string', 'ellipsis'].includes(statement.namedChildren[0]?.type ?? '')));
}
