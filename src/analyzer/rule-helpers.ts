// Small helpers rules share: quoting code in one-line messages and writing `await asyncio.to_thread(...)`
// fixes for blocking calls.
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from './model/semantic-model.js';

/** Source text of a node for a one-line message: comments dropped, whitespace collapsed, long text shortened. */
export function snippet(node: Node, max = 60): string {
  const text = withoutComments(node).replace(/\s+/g, ' ');
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A node's text without the comments inside it (`f(  # why\n    x)` is quoted as `f( x)`). */
function withoutComments(node: Node): string {
  let text = node.text;
  if (!text.includes('#')) return text;
  let from = 0;
  for (const comment of node.descendantsOfType('comment')) {
    const at = comment ? text.indexOf(comment.text, from) : -1;
    if (at < 0) continue;
    text = text.slice(0, at) + text.slice(at + comment!.text.length);
    from = at;
  }
  return text;
}

/** Node types whose element expression becomes an async generator (or an error) when it contains `await`. */
const AWAIT_HOSTILE = new Set(['generator_expression', 'lambda', 'function_definition', 'class_definition']);

/** The replacement text that runs a blocking call in a worker thread: `f(a, b=1)` becomes
 *  `await asyncio.to_thread(f, a, b=1)` (`path.read_text()` becomes `await asyncio.to_thread(path.read_text)`).
 *  Null when that is not a correct drop-in: asyncio is not imported as a module, the call is already awaited
 *  or sits where `await` would change meaning (a generator expression), or its arguments are a bare generator. */
export function toThreadReplacement(call: Node, model: SemanticModel): string | null {
  const asyncio = model.moduleAlias('asyncio', call);
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (!asyncio || !fn || args?.type !== 'argument_list' || call.parent?.type === 'await' || !model.mayAwait(call)) return null;
  for (let node = call.parent; node && node.type !== 'function_definition'; node = node.parent) {
    if (AWAIT_HOSTILE.has(node.type)) return null;
  }
  // Arguments one by one, without the comments between them (a comment would swallow what follows it).
  const passed = args.namedChildren.filter((arg) => arg && arg.type !== 'comment').map((arg) => arg!.text);
  const replacement = `await ${asyncio}.to_thread(${[fn.text, ...passed].join(', ')})`;
  return needsParentheses(call) ? `(${replacement})` : replacement;
}

/** Operands `await` takes as they are; anything else (`a or b`, `x if c else y`, `await g()`) is parenthesized. */
const PRIMARY = new Set(['identifier', 'attribute', 'subscript', 'call', 'parenthesized_expression']);

/** The replacement text awaiting `operand` in place of `call` (`asyncio.run(g())` becomes `await g()`,
 *  `time.sleep(1)` `await asyncio.sleep(1)`). Null where that is not a correct drop-in: the call is already
 *  awaited, sits in a generator expression or lambda, where `await` changes what the code means, or in a
 *  class body, where it is a SyntaxError. */
export function awaitReplacement(call: Node, operand: Node | string, model: SemanticModel): string | null {
  if (call.parent?.type === 'await' || !model.mayAwait(call)) return null;
  for (let node = call.parent; node && node.type !== 'function_definition'; node = node.parent) {
    if (AWAIT_HOSTILE.has(node.type)) return null;
  }
  const awaited = typeof operand === 'string' ? operand : PRIMARY.has(operand.type) ? operand.text : `(${operand.text})`;
  return needsParentheses(call) ? `(await ${awaited})` : `await ${awaited}`;
}

/** `await x` binds looser than `.attr`, `[i]` and `(...)`: `f().strip()` must become `(await ...).strip()`. */
function needsParentheses(call: Node): boolean {
  const parent = call.parent;
  if (!parent) return false;
  const usedAs = (field: string) => parent.childForFieldName(field)?.id === call.id;
  return (parent.type === 'attribute' && usedAs('object'))
    || (parent.type === 'subscript' && usedAs('value'))
    || (parent.type === 'call' && usedAs('function'));
}
