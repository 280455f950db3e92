// What a `with` / `async with` statement enters, shared by the rules about task groups, cancel scopes,
// timeouts and semaphores.
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../../src/analyzer/model/semantic-model.js';

/** The query of rules about with statements: identical text, so those rules share one set of matches. */
export const WITH_QUERY = '(with_statement body: (block) @body) @with';

/** The context manager expressions of a with statement, in order (`async with a() as x, b:` → `a()`, `b`). */
export function contextManagersOf(withStatement: Node): Node[] {
  const clause = withStatement.namedChildren.find((child) => child?.type === 'with_clause');
  if (!clause) return [];
  return clause.namedChildren.flatMap((item) => {
    let value = item?.type === 'with_item' ? item.childForFieldName('value') : null;
    // `with (lock as held):`, one item in parentheses, parses as a parenthesized `as` pattern.
    if (value?.type === 'parenthesized_expression' && value.namedChildren.length === 1 && value.namedChildren[0]?.type === 'as_pattern') value = value.namedChildren[0];
    if (!value) return [];
    return [value.type === 'as_pattern' ? value.namedChildren[0] ?? value : value];
  });
}

/** The first context manager of the statement whose type is one of `types`, or null. */
export function enteredOfType(model: SemanticModel, withStatement: Node, types: ReadonlySet<string>): Node | null {
  return contextManagersOf(withStatement).find((manager) => types.has(model.typeOf(manager) ?? '')) ?? null;
}

/** Is this an `async with` statement? */
export function isAsyncWith(withStatement: Node): boolean {
  return withStatement.firstChild?.type === 'async';
}
