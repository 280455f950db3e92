// The mechanical fix for a handler that swallows the task's cancellation: end it with `raise`, or let the
// cancellation through a catch-all first. Offered only where nothing after the handler depends on the
// coroutine going on normally.
import type { Node } from 'web-tree-sitter';
import type { ReportOptions } from '../../src/analyzer/rule.js';
import type { SemanticModel } from '../../src/analyzer/model/semantic-model.js';
import { REPORTING_CALLS, calledName } from './calls.js';
import type { Caught } from './except-clauses.js';

/** The fix, when the handler's way out leads straight to the coroutine's end (`endsDirectly`: nothing but
 *  `finally:` clauses runs in between, so re-raising skips no code a caller relies on):
 *  - a handler of the cancellation only gets `raise` at its end (replacing a sole `pass`, a bare `return` or
 *    a `break` that ends the coroutine);
 *  - a bare `except:` or `except BaseException:` that only logs gets an `except asyncio.CancelledError: raise`
 *    clause before it (re-raising everything would change how other exceptions are handled, and one that
 *    closes a transport or sends an error response must keep doing so).  */
export function reRaiseFix(handler: Node, block: Node, caught: Caught, endsDirectly: boolean, model: SemanticModel): ReportOptions {
  if (!endsDirectly) return {};
  const statements = block.namedChildren.filter((s): s is Node => !!s && s.type !== 'comment');
  const last = statements[statements.length - 1];
  if (!last) return {};
  const { source } = model;
  const handlerRow = handler.startPosition.row;
  const sameLine = statements[0].startPosition.row === handlerRow;
  if (caught.others) {
    const asyncio = model.moduleAlias('asyncio', handler);
    if (!caught.everything || caught.cancellation || !asyncio || importsOtherBackend(model) || !statements.every(onlyReports)) return {};
    const indent = source.indentOf(handlerRow);
    const bodyIndent = sameLine ? `${indent}    ` : source.indentOf(statements[0].startPosition.row);
    return { lineFix: { line: handlerRow + 1, endLine: handlerRow + 1, replacement: `${indent}except ${asyncio}.CancelledError:\n${bodyIndent}raise\n${source.line(handlerRow)}` } };
  }
  const bareExit = last.type === 'break_statement' || (last.type === 'return_statement' && last.namedChildren.length === 0);
  if ((statements.length === 1 && last.type === 'pass_statement') || bareExit) return { lineFix: replaceNodeLine(last, 'raise', model) };
  if (ENDS_FLOW.has(last.type) || sameLine) return {};
  const lastRow = last.endPosition.row;
  const indent = source.indentOf(statements[0].startPosition.row);
  return { lineFix: { line: lastRow + 1, endLine: lastRow + 1, replacement: `${source.line(lastRow)}\n${indent}raise` } };
}

const ENDS_FLOW = new Set(['return_statement', 'break_statement', 'continue_statement', 'raise_statement']);

/** `pass`, or a logging call as a statement (`log.exception("failed")`, `print(...)`). */
function onlyReports(statement: Node): boolean {
  if (statement.type === 'pass_statement') return true;
  const call = statement.type === 'expression_statement' ? statement.namedChildren[0] : null;
  return call?.type === 'call' && REPORTING_CALLS.has(calledName(call) ?? '');
}

function replaceNodeLine(node: Node, text: string, model: SemanticModel): { line: number; endLine: number; replacement: string } {
  const row = node.startPosition.row;
  const line = model.source.line(row);
  return { line: row + 1, endLine: row + 1, replacement: line.slice(0, node.startPosition.column) + text + line.slice(node.endPosition.column) };
}

/** `asyncio.CancelledError` is the wrong class under trio or anyio. */
export function importsOtherBackend(model: SemanticModel): boolean {
  return model.importsFrom('trio') || model.importsFrom('anyio');
}
