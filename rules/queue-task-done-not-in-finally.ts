import type { Node } from 'web-tree-sitter';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { ASYNC_SLEEP_FUNCTIONS, CONCURRENCY_LIMITER_TYPES, TIMEOUT_SCOPE_TYPES } from '../src/analyzer/model/known-apis.js';
import { contextManagersOf } from './support/context-managers.js';
import { snippet } from '../src/analyzer/rule-helpers.js';

const ASYNCIO_QUEUES = new Set(['asyncio.Queue', 'asyncio.PriorityQueue', 'asyncio.LifoQueue', 'asyncio.queues.Queue']);
/** Entering these can only raise on cancellation (or, for timeouts, because of an await inside, counted on its own). */
const QUIET_CONTEXT_MANAGERS = new Set([...CONCURRENCY_LIMITER_TYPES, ...TIMEOUT_SCOPE_TYPES, 'asyncio.Lock', 'asyncio.locks.Lock', 'asyncio.Condition']);
/** Statements whose parts run one or the other, not one after the other. */
const BRANCHING = new Set(['if_statement', 'try_statement', 'match_statement', 'conditional_expression']);

export default defineRule({
  name: 'queue-task-done-not-in-finally',
  aliases: [],
  severity: 'warning',
  scope: 'coroutine',
  what: 'Reports a consumer coroutine that calls `queue.task_done()` outside `finally`, after an await between `get()` and `task_done()` that can raise. Left alone: awaits inside a try that catches everything, of a sleep, or of a coroutine of the module that raises nothing and awaits only inside such a try; and a queue nothing joins (kept on `self` and never joined in the module, or made by the module, which has no `.join()` at all).',
  why: 'If processing the item raises, `task_done()` is skipped and the queue\'s count of unfinished items never reaches zero, so `await queue.join()` hangs forever. A `try/finally` marks the item done whatever happens.',
  bad: `import asyncio


async def consumer(queue: asyncio.Queue, client):
    while True:
        item = await queue.get()
        await client.send(item)
        queue.task_done()
`,
  good: `import asyncio


async def consumer(queue: asyncio.Queue, client):
    while True:
        item = await queue.get()
        try:
            await client.send(item)
        finally:
            queue.task_done()
`,
  query: CALL_QUERY,
  check({ call, function: fn }, { model, report }) {
    if (!fn.text.endsWith('.task_done') || fn.type !== 'attribute') return; // text first: no walk into the tree
    const queue = fn.childForFieldName('object');
    const owner = model.enclosingFunction(call);
    const body = owner?.isAsync ? owner.node.childForFieldName('body') : null;
    if (!queue || !body || isInFinally(call, owner!.node)) return;
    const points = model.awaitPointsIn(body);
    const gets = points.filter((p) => p.endIndex <= call.startIndex && isGetFrom(p, queue.text, model));
    const get = gets[gets.length - 1];
    if (!get) return;
    const type = model.typeOf(queue);
    if (type && !ASYNCIO_QUEUES.has(type) && model.definition(type) === undefined) return; // another library's queue
    const risky = points.find((p) => p.startIndex >= get.endIndex && p.endIndex <= call.startIndex
      && !isGetFrom(p, queue.text, model) && !isQuietAwait(p, model) && !isGuarded(p, owner!.node, model) && !onAnotherBranch(p, call));
    if (!risky || neverJoined(queue, model)) return;
    report(call, `\`${snippet(call)}\` in ${model.describeContext(call)} is skipped when \`${describeAwait(risky)}\` raises, and \`${snippet(queue, 30)}.join()\` then waits forever; call it in a \`finally:\` block`);
  },
});

/** A skipped `task_done()` only matters to `join()`: is the queue one nothing joins? A queue kept on `self` whose
 *  attribute this module never joins (no `.queue.join(` anywhere, nor a `join()` on a local name it was copied
 *  to, `q = self.queue`: engineio's client calls `self.queue.task_done()` by habit and never joins it), or a
 *  queue handed to the worker in a module that makes its queues itself (`asyncio.Queue(...)`) and joins none
 *  (no `.join()` anywhere: a string's `join` takes an argument). A queue made in another module is reported:
 *  its owner may join it. */
function neverJoined(queue: Node, model: SemanticModel): boolean {
  if (queue.type !== 'attribute' || queue.childForFieldName('object')?.text !== 'self') return /\bQueue\s*\(/.test(model.source.text) && !/\.join\s*\(\s*\)/.test(model.source.text);
  const attribute = queue.childForFieldName('attribute')?.text;
  if (!attribute) return false;
  const text = model.source.text;
  if (new RegExp(`\\.${attribute}\\s*\\.\\s*join\\s*\\(`).test(text)) return false;
  const aliases = [...text.matchAll(new RegExp(`(\\w+)\\s*=\\s*self\\.${attribute}\\b(?!\\s*[.(\\[])`, 'g'))].map((match) => match[1]);
  return !aliases.some((alias) => new RegExp(`\\b${alias}\\s*\\.\\s*join\\s*\\(`).test(text));
}

/** `await x(...)` as written; `async with`/`async for` by their header line. */
function describeAwait(point: Node): string {
  if (point.type === 'await') return snippet(point, 40);
  const header = point.text.split('\n')[0].trim().replace(/:$/, '');
  return header.length > 40 ? `${header.slice(0, 39)}…` : header;
}

function isInFinally(node: Node, stop: Node): boolean {
  for (let parent = node.parent; parent && parent.id !== stop.id; parent = parent.parent) {
    if (parent.type === 'finally_clause') return true;
  }
  return false;
}

/** `await QUEUE.get()` (or `await asyncio.wait_for(QUEUE.get(), timeout)`) for the queue written as `queueText`. */
function isGetFrom(point: Node, queueText: string, model: SemanticModel): boolean {
  let call = point.type === 'await' ? point.namedChildren[0] : null;
  if (call?.type === 'call' && model.callee(call) === 'asyncio.wait_for') call = call.childForFieldName('arguments')?.namedChildren[0] ?? null;
  const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'get' && fn.childForFieldName('object')?.text === queueText;
}

/** asyncio primitives whose awaits raise nothing but cancellation (`await out.put(item)` on an asyncio.Queue,
 *  `await event.wait()`, `await lock.acquire()`). */
const QUIET_METHODS: ReadonlySet<string> = new Set([
  ...[...ASYNCIO_QUEUES].flatMap((queue) => [`${queue}.put`, `${queue}.join`]),
  'asyncio.Event.wait', 'asyncio.Lock.acquire', 'asyncio.Semaphore.acquire', 'asyncio.BoundedSemaphore.acquire',
]);

/** Awaits that raise nothing but cancellation: sleeps, waits on asyncio primitives, and entering locks,
 *  semaphores and timeouts. */
function isQuietAwait(point: Node, model: SemanticModel): boolean {
  if (point.type === 'await') {
    const call = point.namedChildren[0];
    const callee = call?.type === 'call' ? model.callee(call) ?? '' : '';
    return ASYNC_SLEEP_FUNCTIONS.has(callee) || QUIET_METHODS.has(callee) || catchesItsOwnErrors(callee, model);
  }
  if (point.type === 'with_statement') {
    const managers = contextManagersOf(point);
    return managers.length > 0 && managers.every((m) => QUIET_CONTEXT_MANAGERS.has(model.typeOf(m) ?? ''));
  }
  return false;
}

/** A coroutine of this module that raises nothing and awaits only inside a try that catches everything
 *  (`async def fetch(url): try: ... await response.text() ... except Exception: return url, None`): awaiting
 *  it raises nothing but a cancellation. */
function catchesItsOwnErrors(callee: string, model: SemanticModel): boolean {
  const fn = callee ? model.definition(callee) : undefined;
  if (!fn || !('isAsync' in fn) || !fn.isAsync || fn.isGenerator) return false;
  const body = fn.node.childForFieldName('body');
  if (!body) return false;
  const own = (node: Node | null) => !!node && model.enclosingFunction(node) === fn;
  if (body.descendantsOfType('raise_statement').some(own)) return false;
  const points = model.awaitPointsIn(body).filter(own);
  return points.length > 0 && points.every((point) => isGuarded(point, fn.node, model));
}

const CATCH_ALL = ['builtins.Exception', 'builtins.BaseException'];

/** Inside the body of a try whose handler catches Exception, BaseException or everything, or of a
 *  `with contextlib.suppress(Exception):`. */
function isGuarded(point: Node, stop: Node, model: SemanticModel): boolean {
  for (let child = point, parent = point.parent; parent && parent.id !== stop.id; child = parent, parent = parent.parent) {
    if (parent.type === 'with_statement' && parent.childForFieldName('body')?.id === child.id
      && contextManagersOf(parent).some((manager) => suppressesEverything(manager, model))) return true;
    if (parent.type !== 'try_statement' || parent.childForFieldName('body')?.id !== child.id) continue;
    const catchesAll = parent.namedChildren.some((clause) => {
      if (clause?.type !== 'except_clause') return false;
      let value = clause.childForFieldName('value');
      if (!value) return true;
      if (value.type === 'as_pattern') value = value.namedChildren[0];
      const types = value?.type === 'tuple' ? value.namedChildren : [value];
      return types.some((t) => !!t && CATCH_ALL.includes(model.qualifiedName(t) ?? ''));
    });
    if (catchesAll) return true;
  }
  return false;
}

/** `contextlib.suppress(Exception)` (among other classes). */
function suppressesEverything(manager: Node, model: SemanticModel): boolean {
  if (manager.type !== 'call' || model.callee(manager) !== 'contextlib.suppress') return false;
  return (manager.childForFieldName('arguments')?.namedChildren ?? []).some((arg) => !!arg && CATCH_ALL.includes(model.qualifiedName(arg) ?? ''));
}

/** Do the two nodes sit in different branches of an if/try/match (so one never runs after the other)? */
function onAnotherBranch(a: Node, b: Node): boolean {
  let common: Node | null = a.parent;
  while (common && !(common.startIndex <= b.startIndex && b.endIndex <= common.endIndex)) common = common.parent;
  return !!common && BRANCHING.has(common.type);
}
