// Calls as rules read them: the name a call ends in, calls that only report their arguments, and quoting a
// call in a one-line message.
import type { Node } from 'web-tree-sitter';
import { snippet } from '../../src/analyzer/rule-helpers.js';

/** The name a call's function part ends in: `f` for `f(x)` and for `obj.f(x)` (the whole text of any other
 *  function part, such as `handlers[0]`); null when the node is no call. */
export function calledName(call: Node | null | undefined): string | null {
  const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
  return (fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text) ?? null;
}

/** Calls that only report or look at what they are given (logging, printing, traceback formatting, error
 *  trackers, `str`/`repr`/`isinstance`): handing a value to them hands it to no one. */
export const REPORTING_CALLS: ReadonlySet<string> = new Set([
  'debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log', 'print', 'print_exc', 'log_debug', 'log_exception',
  'print_exception', 'format_exception', 'format_exception_only', 'format_exc', 'capture_exception',
  'repr', 'str', 'id', 'isinstance',
]);

/** A call as a message quotes it: `fetch(url)`, or `fetch(…)` when its arguments span lines (they may hold
 *  comments) or are long. */
export function callSnippet(call: Node, max = 60): string {
  const fn = call.childForFieldName('function');
  if (!fn || (!call.text.includes('\n') && call.text.length <= max)) return snippet(call, max);
  return `${snippet(fn, max - 3)}(…)`;
}

/** The argument at a position (splats end the count) or passed by keyword. */
export function argumentAt(call: Node, where: number | string): Node | null {
  const args = call.childForFieldName('arguments');
  if (args?.type !== 'argument_list') return null;
  let position = 0;
  for (const arg of args.namedChildren) {
    if (!arg || arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument') {
      if (arg.childForFieldName('name')?.text === where) return arg.childForFieldName('value');
      continue;
    }
    if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') return null;
    if (position === where) return arg;
    position++;
  }
  return null;
}
