// What an `except` clause catches, as far as cancellation goes: shared by swallowed-cancellation and the
// tests of whether a handler hands the cancellation on.
import type { Node } from 'web-tree-sitter';
import { lastPart, type SemanticModel } from '../../src/analyzer/model/semantic-model.js';
import { CANCELLATION_EXCEPTIONS, CANCELLATION_EXCEPTION_FACTORIES } from '../../src/analyzer/model/known-apis.js';

/** What one `except` clause catches, as far as cancellation goes. */
export interface Caught {
  /** Catches the cancellation exception by name (CancelledError, trio.Cancelled...). */
  cancellation: boolean;
  /** Catches it through BaseException or a bare `except:`. */
  everything: boolean;
  /** Catches other exceptions too (so `raise` at its end would re-raise those as well). */
  others: boolean;
  /** The `as NAME` binding, if any. */
  alias: string | null;
}

export function whatIsCaught(handler: Node, model: SemanticModel): Caught | null {
  const value = handler.childForFieldName('value');
  if (!value) return { cancellation: false, everything: true, others: true, alias: null };
  const { elements, alias } = caughtTypes(value);
  if (elements.length === 0) return null;
  const caught: Caught = { cancellation: false, everything: false, others: false, alias };
  for (const element of elements) {
    if (isCancellationClass(element, model)) caught.cancellation = true;
    else if (model.qualifiedName(element) === 'builtins.BaseException') caught.everything = caught.others = true;
    else caught.others = true;
  }
  return caught;
}

/** The clause as a message quotes it, on one line and without comments: `except (OSError, CancelledError) as exc:`. */
export function clauseText(handler: Node): string {
  const value = handler.childForFieldName('value');
  if (!value) return 'except:';
  const { elements, alias, tuple } = caughtTypes(value);
  const types = elements.map((e) => e.text.replace(/\s+/g, ' ')).join(', ');
  return `except ${tuple ? `(${types})` : types}${alias ? ` as ${alias}` : ''}:`;
}

/** The exception classes of an except clause's value (`(A, B) as e`), comments skipped: a comment in the
 *  parentheses (`except (  # why\n CancelledError):`) is no class. */
function caughtTypes(value: Node): { elements: Node[]; alias: string | null; tuple: boolean } {
  let types: Node | null = value;
  let alias: string | null = null;
  if (value.type === 'as_pattern') {
    types = value.namedChildren[0];
    alias = value.childForFieldName('alias')?.namedChildren[0]?.text ?? null;
  }
  while (types?.type === 'parenthesized_expression') types = codeChildren(types)[0] ?? null;
  if (!types) return { elements: [], alias, tuple: false };
  const tuple = types.type === 'tuple';
  return { elements: tuple ? codeChildren(types) : [types], alias, tuple };
}

function codeChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
}

/** CancelledError, trio.Cancelled, anyio's `get_cancelled_exc_class()`... */
export function isCancellationClass(expr: Node, model: SemanticModel): boolean {
  if (expr.type === 'call') {
    const callee = model.callee(expr);
    if (CANCELLATION_EXCEPTION_FACTORIES.has(callee ?? '')) return true;
    // anyio's own modules import it from where it is defined (`from ._core._eventloop import
    // get_cancelled_exc_class`), and backends reach it through an object (`self._backend.get_cancelled_exc_class()`):
    // no other function of that name returns anything but the running backend's cancellation class.
    const fn = expr.childForFieldName('function');
    const name = callee ?? (fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text) ?? '';
    return lastPart(name) === 'get_cancelled_exc_class';
  }
  return CANCELLATION_EXCEPTIONS.has(model.qualifiedName(expr) ?? '');
}
