import type { Node } from 'web-tree-sitter';
import type { FunctionInfo, SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { defineRule } from '../src/analyzer/rule.js';
import { snippet } from '../src/analyzer/rule-helpers.js';

export default defineRule({
  name: 'await-outside-async',
  aliases: ['PLE1142'],
  severity: 'error',
  what: 'Reports `await`, `async for`, `async with` and async comprehensions inside a plain `def`, a lambda or a class body (a class body is never async, even inside an `async def`). A def\'s defaults and annotations belong to the code around it.',
  why: 'Python rejects them outside an `async def` with a SyntaxError, so the whole module fails to import. (Module-level `await` is left alone: notebooks and the asyncio REPL accept it.)',
  bad: `import asyncio


def load(url):
    await asyncio.sleep(1)
    return url
`,
  good: `import asyncio


async def load(url):
    await asyncio.sleep(1)
    return url
`,
  query: `
(await) @await
(with_statement "async") @statement
(for_statement "async") @statement
(for_in_clause "async") @clause
`,
  check({ await: awaitNode, statement, clause }, { model, report }) {
    const node = awaitNode ?? statement ?? clause;
    if (!node) return;
    if (inBodyOfCoroutine(node, model)) return; // nearly every await: answered from the model's scopes, no walk
    const runner = runningCode(node);
    if (!runner) return;
    const fn = runner.type === 'class_definition' ? null : model.functionOf(runner);
    if (fn?.isAsync) return;
    const construct = awaitNode ? `\`${snippet(awaitNode)}\`` : statement ? `\`async ${statement.type === 'with_statement' ? 'with' : 'for'}\`` : `the async comprehension \`${snippet(clause!)}\``;
    const end = statement?.type === 'with_statement'
      ? statement.namedChildren.find((child) => child?.type === 'with_clause')
      : statement?.childForFieldName('right');
    if (!fn) {
      const name = runner.childForFieldName('name')?.text ?? '';
      report(node, `${construct} in the body of class \`${name}\`, which is never async (not even inside an \`async def\`): Python rejects the module with a SyntaxError; move it into an \`async def\` method or function`, {
        endNode: end ?? undefined,
      });
      return;
    }
    const remedy = fn.isLambda
      ? 'a lambda cannot be async: use an `async def`'
      : `make \`${fn.name}\` an \`async def\` (and await it where it is called)`;
    report(node, `${construct} in ${model.describeContext(fn.node)}, which is not an \`async def\`: Python rejects the module with a SyntaxError; ${remedy}`, {
      endNode: end ?? undefined,
    });
  },
});

/** Is `node` in the body of an `async def` with no def, lambda or class between? Walking up with `.parent`
 *  costs a descent from the root in web-tree-sitter, so the common case is settled from scopes first. */
function inBodyOfCoroutine(node: Node, model: SemanticModel): boolean {
  const fn = model.enclosingFunction(node);
  if (!fn?.isAsync) return false;
  let body = bodies.get(fn);
  if (body === undefined) {
    const found = fn.node.childForFieldName('body');
    bodies.set(fn, (body = found ? [found.startIndex, found.endIndex] : null));
  }
  return body !== null && node.startIndex >= body[0] && node.endIndex <= body[1];
}

/** Where each coroutine's body starts and ends (a function holds many awaits). */
const bodies = new WeakMap<FunctionInfo, [number, number] | null>();

/** The function or class body whose code evaluates `node`, or null when that is fine anywhere: module level
 *  (notebooks and the asyncio REPL accept it) or inside an async generator expression (since Python 3.7 any
 *  function may hold one: `await` and `async for` inside it, except in its first iterable, which the
 *  enclosing code evaluates, make it asynchronous, not invalid). A def's or lambda's defaults and annotations
 *  are evaluated by the code around it; a class body is never async, even inside an `async def`. */
function runningCode(node: Node): Node | null {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    switch (parent.type) {
      case 'generator_expression': {
        const firstClause = parent.namedChildren.find((c) => c?.type === 'for_in_clause');
        const firstIterable = firstClause?.childForFieldName('right');
        if (!firstIterable || !(node.startIndex >= firstIterable.startIndex && node.endIndex <= firstIterable.endIndex)) return null;
        break;
      }
      case 'function_definition':
      case 'lambda':
      case 'class_definition':
        if (parent.childForFieldName('body')?.id === child.id) return parent;
        break;
    }
  }
  return null;
}
