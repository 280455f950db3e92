// Quoting calls in one-line messages.
import type { Node } from 'web-tree-sitter';
import { snippet } from '../../src/analyzer/rule-helpers.js';

/** A call as a message quotes it: `fetch(url)`, or `fetch(…)` when its arguments span lines (they may hold
 *  comments) or are long. */
export function callSnippet(call: Node, max = 60): string {
  const fn = call.childForFieldName('function');
  if (!fn || (!call.text.includes('\n') && call.text.length <= max)) return snippet(call, max);
  return `${snippet(fn, max - 3)}(…)`;
}
