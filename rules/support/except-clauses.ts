// What an `except` clause catches, as far as cancellation goes: shared by swallowed-cancellation and the
// tests of whether a handler hands the cancellation on.
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../../src/analyzer/model/semantic-model.js';
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
  let types: Node | null = value;
  let alias: string | null = null;
  if (value.type === 'as_pattern') {
    types = value.namedChildren[0];
    alias = value.childForFieldName('alias')?.namedChildren[0]?.text ?? null;
  }
  while (types?.type === 'parenthesized_expression') types = types.namedChildren[0];
  if (!types) return null;
  const elements = types.type === 'tuple' ? types.namedChildren.filter((c): c is Node => !!c) : [types];
  const caught: Caught = { cancellation: false, everything: false, others: false, alias };
  for (const element of elements) {
    if (isCancellationClass(element, model)) caught.cancellation = true;
    else if (model.qualifiedName(element) === 'builtins.BaseException') caught.everything = caught.others = true;
    else caught.others = true;
  }
  return caught;
}

/** CancelledError, trio.Cancelled, anyio's `get_cancelled_exc_class()`... */
export function isCancellationClass(expr: Node, model: SemanticModel): boolean {
  if (expr.type === 'call') return CANCELLATION_EXCEPTION_FACTORIES.has(model.callee(expr) ?? '');
  return CANCELLATION_EXCEPTIONS.has(model.qualifiedName(expr) ?? '');
}
