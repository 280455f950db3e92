// Does other work share the event loop where a blocking call runs? Blocking only matters there. A test body
// that starts no server, the entry coroutine of a loop of its own (a sequential script's `main`, what a child
// process runs with `asyncio.run`) before it starts anything concurrent,
// and a coroutine run on a worker thread's own loop stall nothing but themselves; projects exempt such code
// from ruff's ASYNC rules for that reason. Everything else (servers, bots, request handlers, library code,
// tests that run a server on the same loop) shares its loop.
import type { Node } from 'web-tree-sitter';
import type { FunctionInfo, SemanticModel } from './semantic-model.js';
import { isTestModuleName } from './test-code.js';
import { isOnlyRunOnNewLoops } from './loop-entry.js';

/** Why a blocking call stalls nothing, or null when other work may share the loop. */
export type LoopOwner = 'test' | 'script' | 'worker-thread';

/** Calls (by the name they end in) that start concurrent work on the running loop: tasks, servers, callbacks. */
const CONCURRENCY_STARTERS = new Set([
  'create_task', 'ensure_future', 'gather', 'wait', 'as_completed', 'start_soon', 'start', 'TaskGroup',
  'open_nursery', 'create_task_group', 'start_server', 'start_unix_server', 'create_server', 'create_unix_server',
  'serve', 'serve_forever', 'run_app', 'add_reader', 'add_writer', 'call_soon', 'call_later', 'call_at',
  'create_connection', 'create_datagram_endpoint', 'subprocess_exec', 'run_forever',
]);

/** Calls that start a server on the running loop: a test that makes one shares its loop with the server's
 *  handlers. (Tasks and nurseries a test starts are the code under test, which the test may block on purpose.) */
const SERVER_STARTERS = new Set([
  'start_server', 'start_unix_server', 'create_server', 'create_unix_server', 'serve', 'serve_forever', 'run_app',
  'TestServer', 'TestClient', 'RawTestServer', 'AppRunner', 'open_tcp_listeners', 'serve_tcp', 'create_tcp_listener',
]);

/** Test parameters (pytest fixtures) that bring a server or client running on the test's loop. */
const SERVER_FIXTURE = /server|client|(^|_)app$|proxy|broker/i;

function outermostFunction(model: SemanticModel, node: Node): FunctionInfo | null {
  let outer: FunctionInfo | null = null;
  for (let fn = model.enclosingFunction(node); fn; fn = model.enclosingFunction(fn.node.parent ?? fn.node)) {
    outer = fn;
    if (!fn.node.parent) break;
  }
  return outer;
}

function calledName(call: Node): string | null {
  const fn = call.childForFieldName('function');
  return (fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text) ?? null;
}

/** Does the function (nested defs included: a helper defined there runs there) call one of `starters` before
 *  the offset? Starting a thread or a process (`thread.start()`) puts nothing on the loop. */
function startsBefore(fn: FunctionInfo, before: number, starters: ReadonlySet<string> = CONCURRENCY_STARTERS, model?: SemanticModel): boolean {
  return fn.node.descendantsOfType('call').some((call) => !!call && call.startIndex < before && starters.has(calledName(call) ?? '')
    && !(model && (startsThreadOrProcess(call, model) || isPlainStart(call, model))));
}

/** Schedulers whose plain `start()` (not awaited) puts their jobs on the running loop. */
const LOOP_SCHEDULERS: ReadonlySet<string> = new Set(['apscheduler.schedulers.asyncio.AsyncIOScheduler']);

/** `spinner.start()`, `timer.start()`: a `start()` that is not awaited starts nothing on the loop (a nursery's
 *  or a site's is awaited), unless its receiver is a scheduler that runs jobs there. */
function isPlainStart(call: Node, model: SemanticModel): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'start' || call.parent?.type === 'await') return false;
  const receiver = fn.childForFieldName('object');
  return !receiver || !LOOP_SCHEDULERS.has(model.typeOf(receiver) ?? '');
}

const THREADS_AND_PROCESSES: ReadonlySet<string> = new Set(['threading.Thread', 'multiprocessing.Process', 'multiprocessing.context.Process']);

function startsThreadOrProcess(call: Node, model: SemanticModel): boolean {
  const fn = call.childForFieldName('function');
  const receiver = fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'start' ? fn.childForFieldName('object') : null;
  return !!receiver && THREADS_AND_PROCESSES.has(model.typeOf(receiver) ?? '');
}

/** The entry coroutine of a loop of its own, before it starts anything concurrent: a coroutine function the
 *  module only ever runs with `asyncio.run(f())` (`trio.run(f)`, `anyio.run(f)`) from synchronous code, in a
 *  script, a command-line entry point, a worker thread or a child process (distributed's nanny runs its worker
 *  with `asyncio.run(run())` inside the child process's target). `asyncio.run` makes a new loop, so until the
 *  coroutine starts a task or server nothing else is on it. */
function isOwnLoopEntryBeforeConcurrency(model: SemanticModel, node: Node): boolean {
  const fn = model.enclosingFunction(node);
  return !!fn && isOnlyRunOnNewLoops(model, fn) && !startsBefore(fn, node.startIndex, CONCURRENCY_STARTERS, model);
}

function takesServerFixture(fn: FunctionInfo): boolean {
  const parameters = fn.node.childForFieldName('parameters');
  return !!parameters?.namedChildren.some((parameter) => {
    const name = parameter?.type === 'identifier' ? parameter.text : parameter?.childForFieldName('name')?.text ?? parameter?.namedChildren[0]?.text;
    return !!name && SERVER_FIXTURE.test(name);
  });
}

/** The `if __name__ == "__main__":` blocks at module level. */
function mainBlocks(model: SemanticModel): Node[] {
  return model.tree.rootNode.namedChildren.filter((statement): statement is Node =>
    statement?.type === 'if_statement' && /^__name__\s*==\s*["']__main__["']$|^["']__main__["']\s*==\s*__name__$/.test(statement.childForFieldName('condition')?.text ?? ''));
}

/** The names of the coroutine functions a code region runs on its loop: `asyncio.run(main())`,
 *  `loop.run_until_complete(main())`, `trio.run(main)`, `anyio.run(main)`, `loop.create_task(main())`. */
function entryCoroutines(region: Node): Set<string> {
  const names = new Set<string>();
  for (const call of region.descendantsOfType('call')) {
    const name = call ? calledName(call) : null;
    if (name !== 'run' && name !== 'run_until_complete' && name !== 'create_task' && name !== 'ensure_future') continue;
    const first = call!.childForFieldName('arguments')?.namedChildren[0];
    const target = first?.type === 'call' ? first.childForFieldName('function') : first;
    if (target?.type === 'identifier') names.add(target.text);
  }
  return names;
}

/** A sequential script's entry coroutine, before it starts anything concurrent: nothing else is on its loop. */
function isScriptEntryBeforeConcurrency(model: SemanticModel, fn: FunctionInfo, node: Node): boolean {
  if (fn.ownerClass || model.scopes.scopeOf(fn.node).kind !== 'module') return false;
  const blocks = mainBlocks(model);
  if (blocks.length === 0 || !blocks.some((block) => entryCoroutines(block).has(fn.name))) return false;
  // Anything else the __main__ block runs or starts on the loop shares it.
  if (blocks.some((block) => entryCoroutines(block).size > 1)) return false;
  return !startsBefore(fn, node.startIndex);
}

/** A coroutine whose loop runs on a worker thread: the sync function that runs it (`asyncio.run(work())`) is a
 *  `threading.Thread(target=...)`, or is handed to `run_in_executor` / `to_thread` / `submit`. */
function runsOnWorkerThread(model: SemanticModel, fn: FunctionInfo, node: Node): boolean {
  if (fn.ownerClass || model.scopes.scopeOf(fn.node).kind !== 'module' || startsBefore(fn, node.startIndex)) return false;
  const runnerInfos = model.functions.filter((candidate) => !candidate.isAsync && entryCoroutines(candidate.node).has(fn.name));
  const runners = runnerInfos.map((runner) => runner.name);
  if (runners.length === 0) return false;
  const root = model.tree.rootNode;
  // Called anywhere else (awaited by a coroutine of another loop), it is not the worker thread's alone.
  const calledElsewhere = root.descendantsOfType('call').some((call) => !!call && calledName(call) === fn.name
    && !runnerInfos.some((runner) => runner.node.startIndex <= call.startIndex && call.endIndex <= runner.node.endIndex));
  if (calledElsewhere) return false;
  return root.descendantsOfType('call').some((call) => {
    if (!call) return false;
    const name = calledName(call);
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    if (name === 'Thread') {
      return args.some((arg) => arg?.type === 'keyword_argument' && arg.childForFieldName('name')?.text === 'target' && runners.includes(arg.childForFieldName('value')?.text ?? ''));
    }
    if (name === 'run_in_executor') return runners.includes(args[1]?.text ?? '');
    if (name === 'to_thread' || name === 'submit' || name === 'run_sync') return runners.includes(args[0]?.text ?? '');
    return false;
  });
}

/** Why nothing else shares the loop where `node` runs, or null when something may. */
export function soleLoopOwner(model: SemanticModel, node: Node): LoopOwner | null {
  const fn = outermostFunction(model, node);
  if (!fn) return null;
  if (isTestModuleName(model.moduleName)) {
    return startsBefore(fn, fn.node.endIndex, SERVER_STARTERS) || takesServerFixture(fn) ? null : 'test';
  }
  if (isScriptEntryBeforeConcurrency(model, fn, node) || isOwnLoopEntryBeforeConcurrency(model, node)) return 'script';
  if (runsOnWorkerThread(model, fn, node)) return 'worker-thread';
  return null;
}
