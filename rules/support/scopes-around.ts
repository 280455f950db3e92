// The cancel scopes around a handler in its function: a timeout whose cancellation a handler swallows never
// raises TimeoutError, and a shielded trio/anyio scope keeps outer cancellation from reaching the handler.
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../../src/analyzer/model/semantic-model.js';
import { calledName } from './calls.js';
import { contextManagersOf } from './context-managers.js';

const TIMEOUT_SCOPES: ReadonlySet<string> = new Set([
  'asyncio.timeout', 'asyncio.timeout_at', 'async_timeout.timeout', 'async_timeout.timeout_at',
  'anyio.fail_after', 'anyio.fail_at', 'trio.fail_after', 'trio.fail_at',
]);

/** The timeout scope around the node in its function (`async with asyncio.timeout(5):`, `with
 *  anyio.fail_after(5):`), as written: a cancellation swallowed inside it keeps the scope from raising
 *  TimeoutError. (`move_on_after` swallows its cancellation itself: nothing is lost there.) */
export function enclosingTimeout(node: Node, model: SemanticModel): Node | null {
  for (let parent = node.parent; parent && parent.type !== 'function_definition' && parent.type !== 'lambda'; parent = parent.parent) {
    if (parent.type !== 'with_statement') continue;
    const scope = contextManagersOf(parent).find((manager) => manager.type === 'call' && (TIMEOUT_SCOPES.has(model.callee(manager) ?? '')
      || FAIL_AFTER.has(calledName(manager) ?? '') || TIMEOUT_TYPES.has(model.typeOf(manager) ?? '')));
    if (scope) return scope.childForFieldName('function') ?? scope;
  }
  return null;
}

/** What those calls make, as the model knows it. */
const TIMEOUT_TYPES: ReadonlySet<string> = new Set(['asyncio.Timeout', 'anyio.fail_after', 'trio.fail_after', 'trio.fail_at']);

/** anyio's own modules import these from where they are defined. */
const FAIL_AFTER: ReadonlySet<string> = new Set(['fail_after', 'fail_at']);

/** Cancel scopes that can shield (`trio.CancelScope(shield=True)`, `anyio.move_on_after(5, shield=True)`). */
const SHIELDING_SCOPES: ReadonlySet<string> = new Set(['CancelScope', 'move_on_after', 'move_on_at', 'fail_after', 'fail_at', 'open_cancel_scope']);

/** Is the try shielded from outer cancellation: inside a shielded trio/anyio cancel scope, or every await
 *  of its body inside one (`with CancelScope(shield=True): await agen.aclose()`)? Then what it catches is
 *  that scope's own cancellation, which the scope would absorb anyway. */
export function isShielded(tryStatement: Node, body: Node, model: SemanticModel): boolean {
  if (shieldAround(tryStatement, null)) return true;
  const awaits = model.awaitPointsIn(body);
  return awaits.length > 0 && awaits.every((point) => shieldAround(point, body));
}

/** A shielded scope around the node, up to `limit` (or the function). */
function shieldAround(node: Node, limit: Node | null): boolean {
  for (let parent = node.parent; parent && parent.id !== limit?.id; parent = parent.parent) {
    if (parent.type === 'function_definition' || parent.type === 'lambda') return false;
    if (parent.type === 'with_statement' && contextManagersOf(parent).some(isShieldingScope)) return true;
  }
  return false;
}

function isShieldingScope(manager: Node): boolean {
  if (manager.type !== 'call' || !SHIELDING_SCOPES.has(calledName(manager) ?? '')) return false;
  return manager.childForFieldName('arguments')?.namedChildren.some((arg) => arg?.type === 'keyword_argument'
    && arg.childForFieldName('name')?.text === 'shield' && arg.childForFieldName('value')?.text === 'True') ?? false;
}
