import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { forLibrary, offloadText } from '../src/analyzer/rule-helpers.js';
import { calledName, callSnippet, REPORTING_CALLS } from './support/calls.js';

const EXECUTORS: ReadonlyMap<string, 'thread' | 'process'> = new Map([
  ['concurrent.futures.ThreadPoolExecutor', 'thread'],
  ['concurrent.futures.thread.ThreadPoolExecutor', 'thread'],
  ['concurrent.futures.ProcessPoolExecutor', 'process'],
  ['concurrent.futures.process.ProcessPoolExecutor', 'process'],
]);

export default defineRule({
  name: 'executor-per-call',
  aliases: [],
  severity: 'warning',
  scope: 'coroutine',
  costsOnlyInProduction: true,
  what: 'Reports a `ThreadPoolExecutor` or `ProcessPoolExecutor` created inside a coroutine to run work for that one call.',
  why: 'Every call starts a fresh pool of threads or processes and tears it down again, and leaving `with executor:` waits for its workers on the event loop\'s thread. `asyncio.to_thread()` (before Python 3.9 `loop.run_in_executor(None, ...)`; `to_thread.run_sync()` in trio and anyio) reuses the loop\'s default executor; CPU-bound work belongs in one long-lived process pool.',
  bad: `import asyncio
import concurrent.futures


def checksum(data):
    return sum(data) % 256


async def checksum_async(data):
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor() as pool:
        return await loop.run_in_executor(pool, checksum, data)
`,
  good: `import asyncio
import concurrent.futures


def checksum(data):
    return sum(data) % 256


async def checksum_async(data):
    return await asyncio.to_thread(checksum, data)
`,
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    const callee = model.callee(call);
    const kind = callee ? EXECUTORS.get(callee) : undefined;
    if (!kind || !model.isInCoroutine(call) || outlivesTheCall(call, model)) return;
    const shared = (library: 'asyncio' | 'trio' | 'anyio') => `${offloadText(library, model, 'fn', ['*args'])} (${library === 'asyncio' ? 'the loop\'s shared executor' : `${library}'s shared worker threads`}) or one long-lived executor`;
    const longLived = 'one long-lived `ProcessPoolExecutor` created at startup';
    const instead = kind === 'thread'
      ? forLibrary(model, call, { asyncio: shared('asyncio'), trio: shared('trio'), anyio: shared('anyio') })
      : forLibrary(model, call, { asyncio: longLived, trio: longLived, anyio: `\`await anyio.to_process.run_sync(fn, *args)\` or ${longLived}` });
    report(call, `\`${callSnippet(call)}\` starts and tears down a ${kind} pool for this call in ${model.describeContext(call)}; use ${instead}`);
  },
});

/** Is the executor kept beyond this call: stored on an object or a global, returned, installed as the loop's
 *  default executor, or made in an async generator (a lifespan / @asynccontextmanager that yields it)? */
function outlivesTheCall(call: Node, model: SemanticModel): boolean {
  const fn = model.enclosingFunction(call);
  if (!fn || fn.isGenerator || fn.node.text.includes('set_default_executor') || isEntryPoint(fn.name, model)) return true;
  if (isKept(call)) return true;
  if (assignedNames(call).some((name) => fn.scope.delegated.has(name.text) || isStoredLater(name, fn.node))) return true;
  // `with ThreadPoolExecutor() as pool: await Server(pool).serve()`: whatever takes the pool over lives as long
  // as the with block, so the block is a long-lived one (a server, a worker), not one call's work.
  const target = call.parent?.type === 'as_pattern' ? call.parent.childForFieldName('alias')?.namedChildren[0] : null;
  return target?.type === 'identifier' && isStoredLater(target, fn.node);
}

/** Is the coroutine the program's entry point, run once (`async def main()`, or one this module hands to
 *  `asyncio.run(...)`, `loop.run_until_complete(...)`, `anyio.run(...)`, `trio.run(...)`)? An executor it
 *  makes serves the whole program, like one made at startup. */
function isEntryPoint(name: string, model: SemanticModel): boolean {
  if (name === 'main') return true;
  const escaped = name.replace(/[^\w]/g, '');
  return new RegExp(`\\brun(?:_until_complete)?\\(\\s*${escaped}\\b`).test(model.source.text);
}

/** Is the call's result awaited as part of the statement it is in: `await run(pool)`, `await wait_for(run(pool),
 *  5)`, `await gather(*[run(pool, x) for x in xs])`? Then its work is done before the statement ends. (Not
 *  `await app.register(Worker(pool))`: the worker takes the pool over.) */
function isAwaitedNow(call: Node): boolean {
  for (let node: Node | null = call.parent; node; node = node.parent) {
    if (node.type === 'await') return true;
    if (node.type === 'call' && !AWAITING_HELPERS.has(calledName(node) ?? '')) return false;
    if (node.type !== 'call' && !AWAITED_WRAPPERS.has(node.type)) return false;
  }
  return false;
}

/** Helpers that await what they are given before their own await returns. */
const AWAITING_HELPERS = new Set(['wait_for', 'shield', 'gather', 'wait']);

const AWAITED_WRAPPERS = new Set(['argument_list', 'list_splat', 'list', 'tuple', 'list_comprehension', 'generator_expression', 'parenthesized_expression', 'keyword_argument']);

/** Container methods that keep what they are given (`self._pools.append(pool)`). */
const STORING_METHODS = new Set(['append', 'appendleft', 'add', 'insert', 'setdefault']);

/** Displays and keyword arguments a kept value may sit in: `return {"pool": x}`, `Worker(executor=x)`. */
const WRAPPERS = new Set(['pair', 'dictionary', 'list', 'tuple', 'set', 'parenthesized_expression', 'keyword_argument', 'expression_list']);

/** Is this value returned, yielded, stored on an object or in a container (`self.pool = x`,
 *  `pools[key] = x`, `self.pool = pool = x`, `pools.append(x)`, `return {"pool": x}`), or handed to a call
 *  that keeps it (`Worker(x)`, `stack.enter_context(x)`)? */
function isKept(value: Node): boolean {
  let node = value;
  let parent = value.parent;
  while (parent && WRAPPERS.has(parent.type)) {
    node = parent;
    parent = parent.parent;
  }
  if (parent?.type === 'return_statement' || parent?.type === 'yield') return true;
  if (parent?.type === 'argument_list') {
    const call = parent.parent;
    const name = calledName(call);
    if (STORING_METHODS.has(name ?? '')) return true;
    // Any other call given the executor takes it over (a constructor, a registry, an exit stack), unless it
    // runs work on it now (`loop.run_in_executor(pool, ...)`, a helper awaited at once: `await run(pool)`,
    // `await asyncio.wait_for(run(pool), 5)`) or only reports it (`log.debug("%r", pool)`).
    return name !== 'run_in_executor' && !REPORTING_CALLS.has(name ?? '') && !!call && !isAwaitedNow(call);
  }
  return assignmentTargets(node).some((target) => target.type === 'attribute' || target.type === 'subscript');
}

/** The targets a value is assigned to, through chained assignments (`a = b.c = value`). */
function assignmentTargets(value: Node): Node[] {
  const targets: Node[] = [];
  for (let node = value, parent = value.parent; parent?.type === 'assignment' && parent.childForFieldName('right')?.equals(node); node = parent, parent = parent.parent) {
    const target = parent.childForFieldName('left');
    if (target) targets.push(target);
  }
  return targets;
}

const assignedNames = (value: Node): Node[] => assignmentTargets(value).filter((target) => target.type === 'identifier');

/** Is the local variable later kept (stored on an object or in a container, returned or yielded), so the
 *  executor serves later calls (asgiref's per-context executors)? */
function isStoredLater(variable: Node, fn: Node): boolean {
  return fn.descendantsOfType('identifier').some((use) =>
    !!use && use.text === variable.text && use.startIndex > variable.endIndex && isKept(use));
}
