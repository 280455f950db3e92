import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import { snippet } from '../src/analyzer/rule-helpers.js';

export default defineRule({
  name: 'await-outside-async',
  aliases: ['PLE1142'],
  severity: 'error',
  what: 'Reports `await`, `async for`, `async with` and async comprehensions inside a plain `def` or a lambda.',
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
    const fn = model.enclosingFunction(node);
    if (!fn || fn.isAsync || insideAsyncGeneratorExpression(node)) return;
    const construct = awaitNode ? `\`${snippet(awaitNode)}\`` : statement ? `\`async ${statement.type === 'with_statement' ? 'with' : 'for'}\`` : `the async comprehension \`${snippet(clause!)}\``;
    const remedy = fn.isLambda
      ? 'a lambda cannot be async: use an `async def`'
      : `make \`${fn.name}\` an \`async def\` (and await it where it is called)`;
    const end = statement?.type === 'with_statement'
      ? statement.namedChildren.find((child) => child?.type === 'with_clause')
      : statement?.childForFieldName('right');
    report(node, `${construct} in ${model.describeContext(node)}, which is not an \`async def\`: Python rejects the module with a SyntaxError; ${remedy}`, {
      endNode: end ?? undefined,
    });
  },
});

/** Since Python 3.7 any function may hold an async generator expression: `await` and `async for` inside one
 *  (except in its first iterable, which the enclosing function evaluates) make it asynchronous, not invalid. */
function insideAsyncGeneratorExpression(node: Node): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (parent.type === 'function_definition' || parent.type === 'lambda') return false;
    if (parent.type !== 'generator_expression') continue;
    const firstClause = parent.namedChildren.find((c) => c?.type === 'for_in_clause');
    const firstIterable = firstClause?.childForFieldName('right');
    if (!firstIterable || !(node.startIndex >= firstIterable.startIndex && node.endIndex <= firstIterable.endIndex)) return true;
  }
  return false;
}
