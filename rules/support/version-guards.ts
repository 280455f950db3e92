// Compatibility code: branches that only run on old Pythons (or when a newer API is missing) may use APIs
// that current Python removed or deprecated, on purpose.
import type { Node } from 'web-tree-sitter';

/** A condition that tests the Python version or the presence of an API: `sys.version_info < (3, 7)`,
 *  `PY_37`, `PY37`, `hasattr(asyncio, "all_tasks")`. */
const COMPATIBILITY_TEST = /\bversion_info\b|\bsys\.version\b|\bPY(?:THON)?_?\d|\bhasattr\s*\(/;

/** Exceptions a `try` catches to fall back to an older API. */
const FALLBACK_EXCEPTIONS = /\b(AttributeError|ImportError|ModuleNotFoundError|NameError)\b/;

/** Is the node inside an `if`/`elif`/`else` chain or conditional expression testing the Python version or an
 *  API's presence, or inside an `except AttributeError/ImportError` fallback? (Any branch counts: both sides
 *  of such a test are deliberate compatibility code.) */
export function isInCompatibilityBranch(node: Node): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (parent.type === 'if_statement') {
      const conditions = [parent.childForFieldName('condition'), ...parent.childrenForFieldName('alternative')
        .map((branch) => (branch?.type === 'elif_clause' ? branch.childForFieldName('condition') : null))];
      if (conditions.some((condition) => condition && COMPATIBILITY_TEST.test(condition.text))) return true;
    } else if (parent.type === 'conditional_expression') {
      const condition = parent.namedChildren[1];
      if (condition && COMPATIBILITY_TEST.test(condition.text)) return true;
    } else if (parent.type === 'except_clause') {
      const caught = parent.namedChildren.find((child) => child?.type !== 'block' && child?.type !== 'comment');
      if (caught && FALLBACK_EXCEPTIONS.test(caught.text)) return true;
    }
  }
  return false;
}
