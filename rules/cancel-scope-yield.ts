import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import { decoratorName } from '../src/analyzer/model/semantic-model.js';
import { CANCEL_SCOPE_TYPES, TASK_GROUP_TYPES, TRANSPARENT_DECORATORS } from '../src/analyzer/model/known-apis.js';
import { enteredOfType } from './support/context-managers.js';
import { snippet } from '../src/analyzer/rule-helpers.js';

const SCOPE_TYPES: ReadonlySet<string> = new Set([...TASK_GROUP_TYPES, ...CANCEL_SCOPE_TYPES]);

export default defineRule({
  name: 'cancel-scope-yield',
  aliases: ['ASYNC101', 'ASYNC119'],
  severity: 'error',
  scope: 'coroutine',
  what: 'Reports `yield` inside a task group or cancel scope (`asyncio.TaskGroup()`, `asyncio.timeout()`, anyio task groups and cancel scopes, trio nurseries) in an async generator.',
  why: 'While the generator is suspended at `yield`, the consumer runs inside the scope: a timeout or a failing child task then cancels the consumer\'s code instead of the generator\'s, and the scope may be exited from another task or never. Only `@asynccontextmanager` functions and fixtures may yield there.',
  bad: `import asyncio


async def numbers(source):
    async with asyncio.timeout(10):
        async for number in source:
            yield number
`,
  good: `import asyncio


async def numbers(source):
    async with asyncio.timeout(10):
        items = [number async for number in source]
    for number in items:
        yield number
`,
  query: '(yield) @yield',
  check({ yield: yieldNode }, { model, report }) {
    const fn = model.enclosingFunction(yieldNode);
    if (!fn?.isAsync || fn.isLambda) return;
    // @asynccontextmanager, pytest fixtures and other wrappers make yielding inside a scope safe (or unknown).
    if (fn.decorators.some((d) => !TRANSPARENT_DECORATORS.has(decoratorName(d, model) ?? ''))) return;
    const scope = enclosingScope(yieldNode, fn.node, (statement) => enteredOfType(model, statement, SCOPE_TYPES));
    if (!scope) return;
    report(yieldNode, `\`yield\` inside \`${snippet(scope)}\` in async generator \`${fn.name}\` suspends with the scope open; collect the values first or turn the function into an @asynccontextmanager`);
  },
});

/** The innermost context manager around `node` (up to `stop`) that `enters` recognises, entered by a with
 *  statement whose body holds the node. */
function enclosingScope(node: Node, stop: Node, enters: (withStatement: Node) => Node | null): Node | null {
  for (let child = node, parent = node.parent; parent && parent.id !== stop.id; child = parent, parent = parent.parent) {
    if (parent.type !== 'with_statement' || parent.childForFieldName('body')?.id !== child.id) continue;
    const manager = enters(parent);
    if (manager) return manager;
  }
  return null;
}
