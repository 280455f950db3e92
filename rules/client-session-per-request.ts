import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { callSnippet } from './support/calls.js';
import { HTTP_CLIENT_SESSIONS } from '../src/analyzer/model/known-apis.js';

/** Async HTTP clients that pool connections (the library tables give them the `http-client-session` role). */
const ASYNC_HTTP_CLIENTS = HTTP_CLIENT_SESSIONS;

/** Where code runs once per iteration: the body of a loop, the element part of a comprehension. */
const REPEATED_PART: Readonly<Record<string, string>> = {
  for_statement: 'body', while_statement: 'body', list_comprehension: 'body', set_comprehension: 'body',
  dictionary_comprehension: 'body', generator_expression: 'body',
};
const SCOPE_BOUNDARIES: ReadonlySet<string> = new Set(['function_definition', 'lambda', 'class_definition']);

export default defineRule({
  name: 'client-session-per-request',
  aliases: [],
  severity: 'warning',
  scope: 'coroutine',
  costsOnlyInProduction: true,
  what: 'Reports an `aiohttp.ClientSession` or `httpx.AsyncClient` created inside a loop or comprehension in a coroutine.',
  why: 'Each client owns a connection pool: a new one per request throws away keep-alive connections and repeats DNS lookups and TLS handshakes for every URL. Create one client before the loop and reuse it.',
  bad: `import aiohttp


async def fetch_all(urls):
    pages = []
    for url in urls:
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as response:
                pages.append(await response.text())
    return pages
`,
  good: `import aiohttp


async def fetch_all(urls):
    pages = []
    async with aiohttp.ClientSession() as session:
        for url in urls:
            async with session.get(url) as response:
                pages.append(await response.text())
    return pages
`,
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    const callee = model.callee(call);
    if (!callee || !ASYNC_HTTP_CLIENTS.has(callee) || !model.isInCoroutine(call)) return;
    const loop = enclosingRepetition(call);
    if (!loop || isRetryLoop(loop) || isLongLivedSession(call, model) || sharesPool(call, loop) || isKept(call)) return;
    const where = loop.type.endsWith('_statement') ? 'on every iteration of a loop' : 'for every element of a comprehension';
    report(call, `\`${callSnippet(call)}\` creates a new client ${where} in ${model.describeContext(call)}, with its own connection pool; create it once before the loop and reuse it`);
  },
});

/** The innermost loop or comprehension, in the same function, whose repeated part contains the node. */
function enclosingRepetition(node: Node): Node | null {
  for (let child = node, parent = node.parent; parent && !SCOPE_BOUNDARIES.has(parent.type); child = parent, parent = parent.parent) {
    const part = REPEATED_PART[parent.type];
    if (part && parent.childForFieldName(part)?.id === child.id) return parent;
  }
  return null;
}

/** A loop that retries or reconnects (it catches errors and leaves with break/return) makes a fresh client per
 *  attempt on purpose. */
function isRetryLoop(loop: Node): boolean {
  const body = loop.childForFieldName('body');
  if (!body || !loop.type.endsWith('_statement')) return false;
  // tenacity's `async for attempt in AsyncRetrying(...)`, stamina's `retry_context`, `for attempt in range(3)`,
  // `for _ in range(retries)`; not `for job in failed_retries`, a collection of work.
  const iterable = loop.childForFieldName('right');
  if (loop.type === 'for_statement' && (RETRY_NAME.test(loop.childForFieldName('left')?.text ?? '') || (iterable?.type === 'call' && RETRY_NAME.test(iterable.text)))) return true;
  return body.descendantsOfType('try_statement').length > 0
    && body.descendantsOfType(['break_statement', 'return_statement']).length > 0;
}

const RETRY_NAME = /retr(y|ies|ying)|attempt/i;

/** A client entered with `async with` whose body streams (`async for`, a `while` loop, a websocket) is a
 *  long-lived connection, not a per-request client; one whose body loops over requests with it
 *  (`for url in urls: await client.get(url)`, one client per proxy or host) is reused. */
function isLongLivedSession(call: Node, model: SemanticModel): boolean {
  const alias = call.parent?.type === 'as_pattern' ? call.parent.childForFieldName('alias')?.text : undefined;
  let item = call.parent;
  if (item?.type === 'as_pattern') item = item.parent;
  if (item?.type !== 'with_item') return false;
  const body = item.parent?.parent?.childForFieldName('body');
  if (!body) return false;
  return model.awaitPointsIn(body).some((point) => point.type === 'for_statement')
    || body.descendantsOfType('while_statement').length > 0
    || body.text.includes('ws_connect')
    || body.descendantsOfType(['for_statement', ...COMPREHENSIONS]).some((loop) => !!loop && (!alias || mentions(loop.text, alias)));
}

const COMPREHENSIONS = ['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression'];

/** Does `text` name `target` (a name, or any expression such as `registry.get(")").session`) as a whole word? */
function mentions(text: string, target: string): boolean {
  let at = text.indexOf(target);
  while (at >= 0) {
    if (!/\w/.test(text[at - 1] ?? '') && !/\w/.test(text[at + target.length] ?? '')) return true;
    at = text.indexOf(target, at + 1);
  }
  return false;
}

/** `ClientSession(connector=shared, connector_owner=False)`, `AsyncClient(transport=shared)`: the connection
 *  pool is the shared connector or transport, made once elsewhere, so a client per iteration loses nothing.
 *  A connector made in the loop itself (`connector = TCPConnector()` on each iteration) is a new pool too. */
function sharesPool(call: Node, loop: Node): boolean {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).some((arg) => {
    if (arg?.type !== 'keyword_argument' || !POOL_ARGUMENTS.has(arg.childForFieldName('name')?.text ?? '')) return false;
    const value = arg.childForFieldName('value');
    if (!value || value.type === 'call') return false;
    return !(value.type === 'identifier' && loop.descendantsOfType('assignment').some((assignment) => assignment?.childForFieldName('left')?.text === value.text));
  });
}

const POOL_ARGUMENTS = new Set(['connector', 'transport']);

/** The client is stored for later (`self.sessions[name] = ClientSession()`, `clients.append(AsyncClient())`,
 *  `return AsyncClient()`): one per key it serves, not one per request. */
function isKept(call: Node): boolean {
  const parent = call.parent;
  if (parent?.type === 'return_statement' || parent?.type === 'yield') return true;
  if (parent?.type === 'assignment' && parent.childForFieldName('right')?.id === call.id) {
    const target = parent.childForFieldName('left')?.type;
    return target === 'attribute' || target === 'subscript';
  }
  if (parent?.type === 'argument_list') {
    const fn = parent.parent?.childForFieldName('function');
    return fn?.type === 'attribute' && STORING_METHODS.has(fn.childForFieldName('attribute')?.text ?? '');
  }
  return false;
}

const STORING_METHODS = new Set(['append', 'appendleft', 'add', 'insert', 'setdefault']);
