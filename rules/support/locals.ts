// Local variables nothing reads (dangling-task, missing-await: a task or coroutine kept only there is lost).
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../../src/analyzer/model/semantic-model.js';

/** Is `name` (an assignment target) a local variable of a function that no code reads: not global or
 *  nonlocal, and named nowhere else in the function (nested defs and lambdas included) but as the target of
 *  another plain assignment? A function that calls `locals()`, `vars()`, `eval()` or `exec()` might read it. */
export function isUnreadLocal(name: Node, model: SemanticModel): boolean {
  const scope = model.scopes.scopeOf(name);
  if (scope.kind !== 'function' || scope.delegated.has(name.text)) return false;
  for (const identifier of scope.node.descendantsOfType('identifier')) {
    if (!identifier || identifier.equals(name)) continue;
    const text = identifier.text;
    if (text === 'locals' || text === 'vars' || text === 'eval' || text === 'exec') return false;
    if (text !== name.text) continue;
    const parent = identifier.parent;
    const field = parent?.type === 'assignment' && parent.childForFieldName('left')?.equals(identifier)
      || parent?.type === 'attribute' && parent.childForFieldName('attribute')?.equals(identifier)
      || parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.equals(identifier);
    if (!field) return false;
  }
  return true;
}
