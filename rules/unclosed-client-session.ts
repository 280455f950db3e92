import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { callSnippet } from './support/calls.js';
import { calledLastName } from './support/called-last-name.js';
import { CLOSE_METHODS, HTTP_CLIENT_SESSIONS } from '../src/analyzer/model/known-apis.js';

/** Async HTTP clients, by the method that closes them (from the library tables). */
const CLIENTS: ReadonlyMap<string, string> = new Map([...CLOSE_METHODS].filter(([type]) => HTTP_CLIENT_SESSIONS.has(type)));

/** Names that may close the client or hand it to something that does. */
const CLOSING = /^(a?close|detach|_?_a?(enter|exit)__)$/;

export default defineRule({
  name: 'unclosed-client-session',
  aliases: [],
  severity: 'warning',
  what: 'Reports an `aiohttp.ClientSession()` or `httpx.AsyncClient()` made in a function, assigned to a local variable (or thrown away), that the function never closes: no `async with`, no `close()`/`aclose()`, and the client is not returned, stored, passed to anything or used by a nested function. Only method calls on it (`session.get(...)`) are seen.',
  why: 'An unclosed client keeps its connection pool and sockets open until garbage collection, which warns "Unclosed client session" (aiohttp) and can leak file descriptors in a long-running service; requests made through it may also be cut off when the loop shuts down.',
  bad: `import aiohttp


async def fetch(url):
    session = aiohttp.ClientSession()
    async with session.get(url) as response:
        return await response.text()
`,
  good: `import aiohttp


async def fetch(url):
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            return await response.text()
`,
  query: CALL_QUERY,
  check({ call, function: called }, { model, report }) {
    const last = calledLastName(call, called, model);
    if (last !== 'ClientSession' && last !== 'AsyncClient') return;
    const callee = model.callee(call);
    const close = callee ? CLIENTS.get(callee) : undefined;
    if (!close) return;
    const fn = model.enclosingFunction(call);
    if (!fn || fn.isLambda) return;
    const parent = call.parent;
    const advice = `use \`async with ${callSnippet(call, 40)} as client:\`, or \`await client.${close}()\` in a \`finally:\``;
    if (parent?.type === 'expression_statement') {
      report(call, `\`${callSnippet(call)}\` in ${model.describeContext(call)} makes a client and throws it away unclosed: its connection pool leaks; ${advice}`);
      return;
    }
    if (parent?.type !== 'assignment' || parent.childForFieldName('right')?.id !== call.id) return;
    const target = parent.childForFieldName('left');
    if (target?.type !== 'identifier' || !onlyMethodsCalled(target, model)) return;
    report(call, `\`${callSnippet(call)}\` is assigned to \`${target.text}\`, which ${model.describeContext(call)} never closes, returns or hands on: its connection pool leaks; ${advice}`);
  },
});

/** Is `name` a local of its function, bound only here, and used only as `name.method(...)` / `name.attribute`
 *  with no method that closes it, nowhere else (nested functions included)? */
function onlyMethodsCalled(name: Node, model: SemanticModel): boolean {
  const scope = model.scopes.scopeOf(name);
  if (scope.kind !== 'function' || scope.delegated.has(name.text)) return false;
  if ((scope.bindings.get(name.text)?.length ?? 0) !== 1) return false;
  const owner = model.enclosingFunction(name);
  for (const identifier of scope.node.descendantsOfType('identifier')) {
    if (!identifier || identifier.equals(name) || identifier.text !== name.text) {
      if (identifier && ['locals', 'vars', 'eval', 'exec'].includes(identifier.text)) return false;
      continue;
    }
    const parent = identifier.parent;
    // `x.name` and `f(name=...)` mention the text without using the variable.
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.equals(identifier)) continue;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.equals(identifier)) continue;
    if (model.enclosingFunction(identifier) !== owner) return false; // a nested function or lambda may close it later
    if (parent?.type !== 'attribute' || !parent.childForFieldName('object')?.equals(identifier)) return false;
    if (CLOSING.test(parent.childForFieldName('attribute')?.text ?? '')) return false;
  }
  return true;
}
