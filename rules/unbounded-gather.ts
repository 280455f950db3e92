import type { Node } from 'web-tree-sitter';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import type { FunctionInfo, SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { CONCURRENCY_LIMITER_TYPES, TRANSPARENT_DECORATORS } from '../src/analyzer/model/known-apis.js';
import { decoratorName } from '../src/analyzer/model/semantic-model.js';
import { contextManagersOf } from './support/context-managers.js';
import { snippet } from '../src/analyzer/rule-helpers.js';

const GATHER = new Set(['asyncio.gather', 'asyncio.tasks.gather']);
const COMPREHENSIONS = new Set(['list_comprehension', 'generator_expression', 'set_comprehension']);
/** Wrappers that schedule or wait for the awaitable they are given, adding no concurrency of their own. */
const AWAITABLE_WRAPPERS = new Set(['asyncio.create_task', 'asyncio.ensure_future', 'asyncio.wait_for', 'asyncio.shield']);
const LIMITER_NAME = /(^|_)(sem|sema|semaphore|limiter)(_|$)|semaphore|limiter/i;

export default defineRule({
  name: 'unbounded-gather',
  aliases: [],
  severity: 'info',
  defaultEnabled: false,
  note: 'Whether a fan-out is a pitfall depends on what the collection holds, which the code rarely says. On real code maintainers accepted none of 27 findings: most gathered a small set fixed by design (one task per transport, component, cluster node or service, or `range(n)` over a pool size), where a bound adds nothing. The pitfall is a collection whose size the coroutine does not control (a parameter filled from user input, query results, lines of a file, pages of an API) whose items each do network I/O, and that cannot be told from the source alone. Turn the rule on where large fan-outs over input are a known risk.',
  scope: 'coroutine',
  costsOnlyInProduction: true,
  what: 'Reports `asyncio.gather(*[...])` over a comprehension (directly or through a local list) that starts one task per item with nothing bounding how many run at once. Sets fixed by design are left alone: the object\'s own members, a `*args` parameter, a collection named for nodes, services, transports or workers, `range()` of a constant or configured count (`pool_size`, `num_workers`).',
  why: 'Gathering a coroutine per input item runs all of them at once: a thousand URLs become a thousand open connections, which exhausts sockets, memory and rate limits. A semaphore or fixed-size batches keep the concurrency bounded.',
  bad: `import asyncio


async def fetch_all(client, urls):
    return await asyncio.gather(*[client.get(url) for url in urls])
`,
  good: `import asyncio


async def fetch_one(client, url, semaphore):
    async with semaphore:
        return await client.get(url)


async def fetch_all(client, urls):
    semaphore = asyncio.Semaphore(10)
    return await asyncio.gather(*[fetch_one(client, url, semaphore) for url in urls])
`,
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    if (!GATHER.has(model.callee(call) ?? '') || !model.isInCoroutine(call)) return;
    const fn = model.enclosingFunction(call)!;
    const args = call.childForFieldName('arguments');
    if (args?.type !== 'argument_list') return;
    const splat = args.namedChildren.find((arg) => arg?.type === 'list_splat' && comprehensionOf(arg.namedChildren[0], fn, model));
    const comprehension = splat ? comprehensionOf(splat.namedChildren[0], fn, model) : null;
    if (!splat || !comprehension || isBounded(comprehension, fn, model)) return;
    const clause = comprehension.namedChildren.find((c) => c?.type === 'for_in_clause');
    const items = clause?.childForFieldName('right');
    const shown = `${call.childForFieldName('function')!.text}(*${snippet(splat.namedChildren[0]!, 50)})`;
    report(call, `\`${shown}\` in ${model.describeContext(call)} starts one task per item of \`${items ? snippet(items, 40) : '…'}\` with no bound on how many run at once; limit it with an \`asyncio.Semaphore\` or gather in batches`);
  },
});

/** The comprehension a splatted expression is: inline, or a name bound once in this function to one. */
function comprehensionOf(expr: Node | null, fn: FunctionInfo, model: SemanticModel): Node | null {
  if (!expr) return null;
  if (COMPREHENSIONS.has(expr.type)) return expr;
  if (expr.type !== 'identifier') return null;
  const found = model.scopes.lookup(expr.text, model.scopes.scopeOf(expr));
  if (!found || found.scope !== fn.scope || found.bindings.length !== 1) return null;
  const binding = found.bindings[0];
  const value = binding.kind === 'value' && binding.via === 'assign' ? binding.value : null;
  return value && COMPREHENSIONS.has(value.type) ? value : null;
}

function isBounded(comprehension: Node, fn: FunctionInfo, model: SemanticModel): boolean {
  const clauses = comprehension.namedChildren.filter((c): c is Node => c?.type === 'for_in_clause');
  if (clauses.some((clause) => clause.firstChild?.type === 'async')) return true; // consumed one by one
  if (clauses.every((clause) => isBoundedIterable(clause.childForFieldName('right'), model))) return true;
  const element = comprehension.childForFieldName('body');
  const loopNames = new Set(clauses.flatMap((clause) => namesIn(clause.childForFieldName('left'))));
  const started = startedCall(element, loopNames, model);
  if (!started) return true; // gathers existing tasks or futures: nothing new is started
  if (runsInExecutor(started, model)) return true;
  if (passesLimiter(started, model)) return true;
  if (usesLimiter(fn, model)) return true;
  const callee = model.definition(model.callee(started) ?? '');
  if (callee && 'isAsync' in callee) {
    if (callee.decorators.some((d) => !TRANSPARENT_DECORATORS.has(decoratorName(d, model) ?? ''))) return true;
    if (reachesLimiter(callee, model, LIMITER_CALL_DEPTH)) return true;
  }
  return false;
}

/** How many awaited local calls deep a limiter is looked for (`get_item` awaits `_request`, which enters the
 *  client's semaphore: every request passes it). */
const LIMITER_CALL_DEPTH = 3;

/** Does the coroutine enter a limiter itself, or await a local coroutine function that does? */
function reachesLimiter(fn: FunctionInfo, model: SemanticModel, depth: number, seen = new Set<FunctionInfo>()): boolean {
  if (usesLimiter(fn, model)) return true;
  if (depth <= 1 || seen.has(fn)) return false;
  seen.add(fn);
  const body = fn.node.childForFieldName('body');
  return !!body && model.awaitPointsIn(body).some((point) => {
    const awaited = point.type === 'await' ? point.namedChildren[0] : null;
    const next = awaited?.type === 'call' ? model.definition(model.callee(awaited) ?? '') : undefined;
    return !!next && 'isAsync' in next && next.isAsync && reachesLimiter(next, model, depth - 1, seen);
  });
}

/** `range(<int constants>)`, `itertools.islice(x, <int constant>)`, a literal list/tuple, a slice (`items[i:i + n]`), or a name bound only to those
 *  or by an enclosing `for` (the batch idiom: `for batch in chunks: gather(*[f(x) for x in batch])`). */
function isBoundedIterable(iterable: Node | null, model: SemanticModel): boolean {
  if (!iterable) return false;
  // The object's own members (`self.connections`, `list(self._listeners)`): one per resource it holds, a
  // number its own configuration bounds, not a fan-out over input.
  if (OWN_MEMBER_ROOTS.has(rootName(unwrapCopy(iterable, model)) ?? '')) return true;
  // One per member of a set fixed by design (`target_nodes`, `self.services.values()`): a cluster's nodes, a
  // program's transports or services, a pool's workers.
  if (FIXED_SET_NAME.test(lastName(unwrapView(unwrapCopy(iterable, model))) ?? '')) return true;
  switch (iterable.type) {
    case 'call': {
      const args = iterable.childForFieldName('arguments')?.namedChildren ?? [];
      const callee = model.callee(iterable);
      if (callee === 'itertools.islice') return args.length >= 2 && !!args[args.length === 2 ? 1 : 2] && isIntegerConstant(args[args.length === 2 ? 1 : 2]!, model);
      // `range(3)`, `range(N)`, `range(self.pool_size)`: a count, fixed or configured, not a collection of input.
      return callee === 'builtins.range' && args.length > 0 && args.every((a) => !!a && (isIntegerConstant(a, model) || CONFIGURED_COUNT_NAME.test(lastName(a) ?? '')));
    }
    case 'list': case 'tuple': return true;
    case 'subscript': return iterable.childrenForFieldName('subscript').some((s) => s?.type === 'slice');
    case 'identifier': {
      const found = model.scopes.lookup(iterable.text, model.scopes.scopeOf(iterable));
      return !!found && found.bindings.every((binding) => {
        if (binding.kind === 'value' && binding.via === 'assign') return !!binding.value && binding.value.type !== 'identifier' && isBoundedIterable(binding.value, model);
        // `*args`: the callers write each item out (`delete(*keys)` is as long as the call's argument list).
        if (binding.kind === 'value' && binding.via === 'param') return binding.node.parent?.type === 'list_splat_pattern';
        return binding.kind === 'opaque' && binding.node.parent?.type === 'for_statement';
      });
    }
    default: return false;
  }
}

const OWN_MEMBER_ROOTS = new Set(['self', 'cls']);
/** Collections whose size a deployment fixes: one item per node, service, transport, worker... */
const FIXED_SET_NAME = /(^|_)(nodes|servers|services|shards|replicas|transports|components|workers|peers|listeners|subscribers|consumers|producers|backends|partitions|plugins|connections)$/i;
/** A count of workers or connections the program is configured with (`pool_size`, `num_workers`, `concurrency`). */
const CONFIGURED_COUNT_NAME = /(^|_)(pool_size|poolsize|size|workers|num_workers|n_workers|worker_count|concurrency|parallelism|connections|max_connections|threads|num_threads|replicas|shards|partitions|slots)$/i;

/** The last name of `x`, `a.b.x` (an identifier or attribute); null for anything else. */
function lastName(expr: Node): string | null {
  if (expr.type === 'identifier') return expr.text;
  return expr.type === 'attribute' ? expr.childForFieldName('attribute')?.text ?? null : null;
}

/** `x.values()` / `x.keys()` / `x.items()` iterate what `x` holds. */
function unwrapView(iterable: Node): Node {
  const fn = iterable.type === 'call' ? iterable.childForFieldName('function') : null;
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : null;
  return method === 'values' || method === 'keys' || method === 'items' ? fn!.childForFieldName('object') ?? iterable : iterable;
}
const COPIES = new Set(['builtins.list', 'builtins.tuple', 'builtins.set', 'builtins.sorted']);

/** `list(x)` / `sorted(x)` iterate what `x` does. */
function unwrapCopy(iterable: Node, model: SemanticModel): Node {
  if (iterable.type !== 'call' || !COPIES.has(model.callee(iterable) ?? '')) return iterable;
  return iterable.childForFieldName('arguments')?.namedChildren[0] ?? iterable;
}

function isIntegerLiteral(node: Node): boolean {
  if (node.type === 'integer') return true;
  return node.type === 'unary_operator' && node.childForFieldName('argument')?.type === 'integer';
}

/** An integer literal, or a name bound only to integer literals (`N = 100` ... `range(N)`): a fixed count. */
function isIntegerConstant(node: Node, model: SemanticModel): boolean {
  if (isIntegerLiteral(node)) return true;
  if (node.type !== 'identifier') return false;
  const found = model.scopes.lookup(node.text, model.scopes.scopeOf(node));
  return !!found && found.bindings.length > 0 && found.bindings.every((b) => b.kind === 'value' && b.via === 'assign' && !!b.value && isIntegerLiteral(b.value));
}

/** The call that starts new work for each item, looking through create_task/wait_for wrappers; null when
 *  the element only wraps or calls a method of an existing object the comprehension iterates over. */
function startedCall(element: Node | null, loopNames: Set<string>, model: SemanticModel): Node | null {
  if (element?.type !== 'call') return null;
  if (AWAITABLE_WRAPPERS.has(model.callee(element) ?? '')) {
    const first = element.childForFieldName('arguments')?.namedChildren[0] ?? null;
    return first?.type === 'call' ? startedCall(first, loopNames, model) : null;
  }
  const fn = element.childForFieldName('function');
  if (fn?.type === 'attribute' && loopNames.has(rootName(fn) ?? '')) return null;
  return element;
}

const EXECUTOR_RUNNERS = new Set(['asyncio.to_thread', 'anyio.to_thread.run_sync', 'trio.to_thread.run_sync']);

/** `asyncio.to_thread(f, x)`, `loop.run_in_executor(pool, f, x)`: the executor's fixed pool of workers (or
 *  anyio's/trio's thread limiter) bounds how many run at once; the rest wait in its queue. */
function runsInExecutor(call: Node, model: SemanticModel): boolean {
  if (EXECUTOR_RUNNERS.has(model.callee(call) ?? '')) return true;
  const fn = call.childForFieldName('function');
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'run_in_executor';
}

/** Does a call receive a semaphore/limiter (by type or by name) among its arguments? */
function passesLimiter(call: Node, model: SemanticModel): boolean {
  const args = call.childForFieldName('arguments');
  if (!args) return false;
  return args.descendantsOfType(['identifier', 'attribute']).some((arg) => !!arg && isLimiter(arg, model));
}

/** Does the function enter a limiter (`async with sem:`) or acquire one (`await sem.acquire()`)? */
function usesLimiter(fn: FunctionInfo, model: SemanticModel): boolean {
  const body = fn.node.childForFieldName('body');
  if (!body) return false;
  return model.awaitPointsIn(body).some((point) => {
    if (point.type === 'with_statement') return contextManagersOf(point).some((manager) => isLimiter(manager, model));
    const awaited = point.type === 'await' ? point.namedChildren[0] : null;
    const method = awaited?.type === 'call' ? awaited.childForFieldName('function') : null;
    const object = method?.type === 'attribute' && method.childForFieldName('attribute')?.text === 'acquire' ? method.childForFieldName('object') : null;
    return !!object && isLimiter(object, model);
  });
}

function isLimiter(expr: Node, model: SemanticModel): boolean {
  if (CONCURRENCY_LIMITER_TYPES.has(model.typeOf(expr) ?? '')) return true;
  const name = expr.type === 'attribute' ? expr.childForFieldName('attribute')?.text : expr.type === 'identifier' ? expr.text : null;
  return !!name && LIMITER_NAME.test(name);
}

function rootName(expr: Node): string | null {
  let node: Node | null = expr;
  while (node && (node.type === 'attribute' || node.type === 'call' || node.type === 'subscript')) {
    node = node.type === 'attribute' ? node.childForFieldName('object') : node.type === 'call' ? node.childForFieldName('function') : node.childForFieldName('value');
  }
  return node?.type === 'identifier' ? node.text : null;
}

function namesIn(target: Node | null): string[] {
  if (!target) return [];
  if (target.type === 'identifier') return [target.text];
  return target.namedChildren.flatMap((child) => namesIn(child));
}
