// A local variable holding a value that is then only used in ways that cannot work on it: `result =
// fetch()` (a coroutine), then `result["id"]`, `result.json()`, `for row in result`, `if result:` or
// `print(result)`. The guide's first pitfall: the code meant `await fetch()`. Any other use (awaited, returned,
// handed to another call, stored) may be deliberate, so the variable then counts as used well.
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../../src/analyzer/model/semantic-model.js';

/** What a coroutine object has: using these is using it as a coroutine. */
const COROUTINE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'send', 'throw', 'close', 'cr_await', 'cr_frame', 'cr_running', 'cr_code', 'cr_origin', 'cr_suspended',
  '__await__', '__name__', '__qualname__', '__class__',
]);

/** Calls that only make sense on the value a coroutine would have produced (builtins, `json.dumps`). */
const VALUE_CONSUMERS: ReadonlySet<string> = new Set([
  'builtins.print', 'builtins.len', 'builtins.str', 'builtins.int', 'builtins.float', 'builtins.bool', 'builtins.list',
  'builtins.dict', 'builtins.tuple', 'builtins.set', 'builtins.sorted', 'builtins.sum', 'builtins.min', 'builtins.max',
  'builtins.any', 'builtins.all', 'builtins.enumerate', 'builtins.zip', 'json.dumps', 'json.loads',
]);

/** How the local assigned at `name` is misused, as a short phrase with the node (`result["id"]`), when every use
 *  of it is a misuse; null when it is never read, is read in a way that may be right, or when the function
 *  assigns it elsewhere too, declares it global or nonlocal, or names it in a nested function. */
export function misuseOfLocal(name: Node, model: SemanticModel): { node: Node; how: string } | null {
  const scope = model.scopes.scopeOf(name);
  if (scope.kind !== 'function' || scope.delegated.has(name.text)) return null;
  const owner = model.enclosingFunction(name);
  let first: { node: Node; how: string } | null = null;
  for (const identifier of scope.node.descendantsOfType('identifier')) {
    if (!identifier || identifier.equals(name) || identifier.text !== name.text) continue;
    const parent = identifier.parent;
    if (!parent) return null;
    // `obj.result`, `f(result=...)`: another name that only reads the same.
    if (parent.type === 'attribute' && parent.childForFieldName('attribute')?.equals(identifier)) continue;
    if (parent.type === 'keyword_argument' && parent.childForFieldName('name')?.equals(identifier)) continue;
    if (model.enclosingFunction(identifier) !== owner) return null;
    const how = misuse(identifier, parent, model);
    if (!how) return null;
    first ??= how;
  }
  return first;
}

function misuse(identifier: Node, parent: Node, model: SemanticModel): { node: Node; how: string } | null {
  switch (parent.type) {
    case 'subscript':
      return parent.childForFieldName('value')?.equals(identifier) ? { node: parent, how: 'subscripted' } : null;
    case 'attribute': {
      const attribute = parent.childForFieldName('attribute')?.text ?? '';
      return COROUTINE_ATTRIBUTES.has(attribute) ? null : { node: parent, how: `read as \`.${attribute}\`` };
    }
    case 'for_statement':
    case 'for_in_clause':
      return parent.childForFieldName('right')?.equals(identifier) && !parent.children.some((c) => c?.type === 'async') ? { node: parent, how: 'iterated' } : null;
    case 'if_statement':
    case 'elif_clause':
    case 'while_statement':
      return parent.childForFieldName('condition')?.equals(identifier) ? { node: identifier, how: 'tested as a truth value (always true)' } : null;
    case 'not_operator':
    case 'boolean_operator':
      return { node: parent, how: 'tested as a truth value (always true)' };
    case 'comparison_operator':
    case 'binary_operator':
      return { node: parent, how: 'compared or computed with' };
    case 'interpolation':
      return { node: parent, how: 'formatted into a string' };
    case 'argument_list': {
      const call = parent.parent;
      const callee = call?.type === 'call' ? model.callee(call) : null;
      return callee && VALUE_CONSUMERS.has(callee) ? { node: call!, how: `passed to \`${callee.replace(/^builtins\./, '')}()\`` } : null;
    }
    default:
      return null;
  }
}
