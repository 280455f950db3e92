// Compatibility code: branches that only run on old Pythons (or when a newer API is missing) may use APIs
// that current Python removed or deprecated, on purpose.
import type { Node } from 'web-tree-sitter';

/** A condition that tests the Python version or the presence of an API: `sys.version_info < (3, 7)`,
 *  `PY_37`, `PY37`, `IS_PY37`, `_PY38`, `PY_VERSION < (3, 10)`, `hasattr(asyncio, "all_tasks")`,
 *  `hasattr(loop, "shutdown_asyncgens")`. (`hasattr(request, "body")` asks about data, not about Python.) */
const COMPATIBILITY_TEST = /\bversion_info\b|\bsys\.version\b|(?:\b|_)PY(?:THON)?_?(?:\d|VERSION\b)|\bhasattr\s*\(\s*(?:[\w.]*\.)?(?:asyncio|\w*loop|sys|events|tasks|futures|inspect|contextlib|typing)\s*,/;

/** What a `try` catches when its body attempts an API that may be gone: the old name (AttributeError,
 *  ImportError) or the old `loop=` argument (TypeError). */
const ATTEMPT_EXCEPTIONS = new Set(['AttributeError', 'ImportError', 'ModuleNotFoundError', 'NameError', 'TypeError']);

/** Statements after which the rest of a block does not run. */
const EXITS = new Set(['return_statement', 'raise_statement', 'continue_statement', 'break_statement']);

/** Exceptions a `try` catches to fall back to an older API. */
const FALLBACK_EXCEPTIONS = /\b(AttributeError|ImportError|ModuleNotFoundError|NameError)\b/;

/** Is the node inside an `if`/`elif`/`else` chain or conditional expression testing the Python version or an
 *  API's presence, or inside an `except AttributeError/ImportError` fallback? (Any branch counts: both sides
 *  of such a test are deliberate compatibility code.) Code after `if <such a test>: return new_api()` in the
 *  same block is that test's `else`. */
export function isInCompatibilityBranch(node: Node): boolean {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type === 'block' || parent.type === 'module') {
      for (let before = child.previousNamedSibling; before; before = before.previousNamedSibling) {
        if (before.type === 'if_statement' && exitsWhenCompatible(before)) return true;
      }
    } else if (parent.type === 'if_statement') {
      const conditions = [parent.childForFieldName('condition'), ...parent.childrenForFieldName('alternative')
        .map((branch) => (branch?.type === 'elif_clause' ? branch.childForFieldName('condition') : null))];
      if (conditions.some((condition) => condition && COMPATIBILITY_TEST.test(condition.text))) return true;
    } else if (parent.type === 'conditional_expression') {
      const condition = parent.namedChildren[1];
      if (condition && COMPATIBILITY_TEST.test(condition.text)) return true;
    } else if (parent.type === 'try_statement' && parent.childForFieldName('body')?.equals(child)) {
      // `try: asyncio.Task.all_tasks()` / `except AttributeError: asyncio.all_tasks()`: the old API is attempted.
      const handlers = parent.namedChildren.filter((clause) => clause?.type === 'except_clause' || clause?.type === 'except_group_clause');
      if (handlers.some((handler) => catchesOnlyAttemptFailures(handler!))) return true;
    } else if (parent.type === 'except_clause') {
      if (FALLBACK_EXCEPTIONS.test(caughtBy(parent))) return true;
    }
  }
  return false;
}

/** `if <test for the newer API>: ... return` with no else (`if hasattr(asyncio, "all_tasks"):`,
 *  `if sys.version_info >= (3, 7):`, `if PY37:`): the code after it is the fallback for older Pythons. (After
 *  `if sys.version_info < (3, 7): raise ...` the code runs on the new Pythons, so it is not.) */
function exitsWhenCompatible(statement: Node): boolean {
  const condition = statement.childForFieldName('condition');
  if (!condition || statement.childrenForFieldName('alternative').length > 0) return false;
  const test = condition.text;
  if (!COMPATIBILITY_TEST.test(test) || /<|==|!=|\bnot\b/.test(test)) return false;
  const body = statement.childForFieldName('consequence');
  const last = body?.namedChildren.filter((child) => child?.type !== 'comment').at(-1);
  return !!last && EXITS.has(last.type);
}

/** The text of what an except clause catches (`(AttributeError, TypeError) as error`); empty for a bare `except:`. */
function caughtBy(clause: Node): string {
  return clause.namedChildren.find((child) => child?.type !== 'block' && child?.type !== 'comment')?.text ?? '';
}

/** `except (AttributeError, TypeError):` catches nothing but the failure of an attempted API; a handler that
 *  also catches ValueError or KeyError guards ordinary work, whose body is no compatibility attempt. */
function catchesOnlyAttemptFailures(handler: Node): boolean {
  const caught = caughtBy(handler).replace(/\s+as\s+\w+\s*$/, '');
  const names = caught.match(/[A-Za-z_][\w.]*/g) ?? [];
  return names.length > 0 && names.every((name) => ATTEMPT_EXCEPTIONS.has(name.split('.').at(-1)!));
}
