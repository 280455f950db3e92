// Branches that never run because their `if` tests something the code just made true: `tasks = []`, then an
// unconditional `tasks.append(...)`, then `if len(tasks): ... else: loop.run_forever()` (hypercorn's
// worker_serve). The `else:` (and any `elif`) is dead code, and a finding there describes nothing that runs.
import type { Node } from 'web-tree-sitter';

/** Is the node in the `else:` or an `elif` of an `if` whose condition is always true where it is tested: a
 *  local list that is certainly not empty (`L`, `len(L)`, `len(L) > 0`, `len(L) != 0`)? */
export function inBranchNeverTaken(node: Node): boolean {
  for (let at: Node | null = node; at?.parent; at = at.parent) {
    if (at.type === 'function_definition' || at.type === 'lambda' || at.type === 'class_definition') return false;
    if ((at.type === 'else_clause' || at.type === 'elif_clause') && at.parent.type === 'if_statement') {
      const list = testedList(at.parent.childForFieldName('condition'));
      if (list && isCertainlyFilled(list, at.parent)) return true;
    }
  }
  return false;
}

/** The name of the list a condition tests for being non-empty. */
function testedList(condition: Node | null): string | null {
  if (!condition) return null;
  if (condition.type === 'identifier') return condition.text;
  if (condition.type === 'comparison_operator') {
    const [left, right] = condition.namedChildren;
    const operator = condition.childForFieldName('operators')?.text ?? condition.children[1]?.text;
    return right?.text === '0' && (operator === '>' || operator === '!=') && left ? lengthOf(left) : null;
  }
  return lengthOf(condition);
}

/** `L` in `len(L)`. */
function lengthOf(expr: Node): string | null {
  if (expr.type !== 'call' || expr.childForFieldName('function')?.text !== 'len') return null;
  const args = expr.childForFieldName('arguments')?.namedChildren ?? [];
  return args.length === 1 && args[0]?.type === 'identifier' ? args[0].text : null;
}

/** Going back from the `if` to `name = [...]` (through its block, then out of a `try:` or `with` body or an
 *  `if` branch it sits in): is something certainly in the list? Only an unconditional `name.append(x)` (or a
 *  non-empty display) fills it; appends under an `if` or loop add nothing certain, and any other use
 *  (`name.pop()`, `name = other`, `f(name)`) leaves it unknown. */
function isCertainlyFilled(name: string, ifStatement: Node): boolean {
  let filled = false;
  const word = new RegExp(`\\b${name}\\b`);
  for (let statement: Node | null = ifStatement; statement; statement = enclosingStatement(statement)) {
    for (let before = statement.previousNamedSibling; before; before = before.previousNamedSibling) {
      if (before.type === 'comment' || !word.test(before.text)) continue;
      const expression = before.type === 'expression_statement' ? before.namedChildren[0] : null;
      if (expression?.type === 'assignment' && expression.childForFieldName('left')?.text === name) {
        const value = expression.childForFieldName('right');
        if (value?.type !== 'list' || word.test(value.text)) return false;
        return filled || value.namedChildren.some((child) => child?.type !== 'comment');
      }
      const appends = appendsTo(before, name);
      if (appends === 'unknown') return false;
      if (appends === 'certainly') filled = true;
    }
  }
  return false;
}

/** The statement whose block holds this one, when what runs before that statement also ran before this one:
 *  a `try:` body, a `with` body, a branch of an `if`. Not a loop (an earlier round may have emptied the list). */
function enclosingStatement(statement: Node): Node | null {
  const block = statement.parent;
  const owner = block?.type === 'block' ? block.parent : null;
  if (owner?.type === 'try_statement' && owner.childForFieldName('body')?.id === block!.id) return owner;
  if (owner?.type === 'with_statement' || owner?.type === 'if_statement') return owner;
  if ((owner?.type === 'else_clause' || owner?.type === 'elif_clause') && owner.parent?.type === 'if_statement') return owner.parent;
  return null;
}

/** How a statement uses the list: it certainly appends to it (`name.append(x)` as the statement), may only
 *  append or read it (`name.append(...)` under an `if` or a loop, `len(name)`, `gather(*name)`), or does
 *  something else with it. */
function appendsTo(statement: Node, name: string): 'certainly' | 'maybe' | 'unknown' {
  const expression = statement.type === 'expression_statement' ? statement.namedChildren[0] : null;
  if (expression && isAppend(expression, name)) return 'certainly';
  const mentions = statement.descendantsOfType('identifier').filter((id) => id?.text === name);
  return mentions.every((id) => !!id && (isRead(id) || isAppend(id.parent?.parent ?? id, name))) ? 'maybe' : 'unknown';
}

/** `len(name)`, `f(*name)`, `if name:`: a use that leaves the list as it is. */
function isRead(id: Node): boolean {
  const parent = id.parent;
  if (parent?.type === 'list_splat') return true;
  if (parent?.type === 'argument_list' && parent.parent?.type === 'call') return lengthOf(parent.parent) === id.text;
  return (parent?.type === 'if_statement' || parent?.type === 'elif_clause') && parent.childForFieldName('condition')?.id === id.id;
}

/** `name.append(...)` whose argument does not mention the list. */
function isAppend(expr: Node, name: string): boolean {
  if (expr.type !== 'call') return false;
  const fn = expr.childForFieldName('function');
  return fn?.type === 'attribute' && fn.childForFieldName('object')?.text === name && fn.childForFieldName('attribute')?.text === 'append';
}
