import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import { decoratorName, lastPart, type FunctionInfo, type SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { FUTURE_MAKERS as FUTURE_MAKER_NAMES, LOOP_STARTERS, TASK_SPAWNERS as TASK_SPAWNER_NAMES, TRANSPARENT_DECORATORS } from '../src/analyzer/model/known-apis.js';
import { asyncLibrary } from '../src/analyzer/rule-helpers.js';
import { calledName, callSnippet } from './support/calls.js';
import { isUnreadLocal } from './support/locals.js';
import { continuesAKeptTask } from './support/continuations.js';
import { functionHeldBy } from '../src/analyzer/model/held-functions.js';
import { VALUE_USE_QUERY } from './support/value-use.js';
import { SPAWNS_INTO_GROUP } from '../src/analyzer/knowledge/task-starting-methods.js';

/** Calls that schedule a task and return the only strong reference to it (the library tables' `task-spawner`
 *  role). Task groups (asyncio.TaskGroup, anyio/trio start_soon) keep their own reference, so they are not listed. */
const TASK_SPAWNERS = TASK_SPAWNER_NAMES;

/** What makes a Future rather than a coroutine (the type of the value, as the model names it; the `future-maker`
 *  role): `ensure_future` hands a Future back unchanged, schedules no task, and the Future's work (an executor
 *  job) runs anyway. */
const FUTURE_MAKERS = FUTURE_MAKER_NAMES;

/** Sync hooks run as an object goes away (`__del__`) or a sync `with` block ends (`__exit__`): they cannot await,
 *  so a task started there is best-effort cleanup nobody could keep or wait for. `__aexit__` can await: still
 *  reported. */
const TEARDOWN_HOOKS = new Set(['__del__', '__exit__']);

/** `create_task`, `ensure_future`: what a call of a spawner ends with. */
const SPAWNER_NAMES = new Set([...TASK_SPAWNERS].map(lastPart));

export default defineRule({
  name: 'dangling-task',
  aliases: ['RUF006', 'ASYNC300'],
  severity: 'warning',
  defaultEnabled: false,
  note: 'Off by default because maintainers disagree about it, and the code does not show which ones will. On real code they accepted 8 of 12 findings in libraries, but only 22 of 81 in applications (12 of those debatable). Projects that later fixed their bare tasks (aiohttp, redis-py, zeroconf, zigpy, mitmproxy, pymodbus, electrum) accepted the comment. Others declined it on purpose: discord.py closed exactly this change ("it doesn\'t do anything"), and poezio, jupyterhub and other applications fire tasks from UI and request callbacks by design. Those tasks wait on futures something else holds, or log their own errors through a loop exception handler. The weak-reference hazard is real; whether it matters to a project is that project\'s policy. Turn the rule on (`rules: {dangling-task: warning}` or `--select dangling-task`) where keeping every task is the house rule, as the Python docs advise.',
  costsOnlyInProduction: true,
  what: 'Reports `asyncio.create_task()`, `asyncio.ensure_future()` and `loop.create_task()` whose task is thrown away: the call is a whole statement (alone, or in a list, tuple or set built as a statement such as `[asyncio.create_task(f(x)) for x in xs]`), its task is only tested for truth, or it is assigned to a local variable the function never reads. Left alone: a task running a local coroutine function (or one the class keeps in an attribute, `self._pointer = wrapper`) that leaves nothing for an owner to collect: its whole body catches its own errors (one `try` with `except Exception`, a logging wrapper such as `async def logged(coro): try: await coro except Exception: log...`); it is a delayed action written in place (a nested `async def` that does `await asyncio.sleep(delay)`, then one `try` whose `except` handles the failure it expects, as in discord.py\'s `delete_after`), held by the loop\'s timer while it waits; or it never suspends and only ends the process (`if errors: sys.exit(1)`), so it runs to its end in the loop\'s next step; or it continues a task the object keeps (`self._slow.append(task)`, then a coroutine that starts with `await task`), which holds it and whose cancel ends it. Maintainers do not take the weak reference alone for a bug there (discord.py declined exactly that change). Also left alone: a task started by a synchronous function that then runs the loop until it is stopped (`asyncio.ensure_future(connect()); loop.run_forever()` in a console script: the task is the program\'s work), a task that only hands a coroutine to a group that keeps it (`asyncio.ensure_future(self.taskgroup.spawn(coro))`), and a task started from `__del__` or a synchronous `__exit__` (which cannot await), best-effort cleanup of an object that is going away or a `with` block that is ending; `__aexit__` can await the work, so it stays reported.',
  why: 'The event loop keeps only a weak reference to tasks, so a task nobody references can be garbage-collected before it finishes; and its exception is never retrieved, so failures vanish (at best "Task exception was never retrieved" at exit).',
  bad: `import asyncio


async def notify(user):
    await asyncio.sleep(1)


async def handle(user):
    asyncio.create_task(notify(user))
`,
  good: `import asyncio

background_tasks = set()


async def notify(user):
    await asyncio.sleep(1)


async def handle(user):
    task = asyncio.create_task(notify(user))
    background_tasks.add(task)
    task.add_done_callback(background_tasks.discard)
`,
  query: VALUE_USE_QUERY,
  // Every spawner's name: a module that never says either starts no task this rule reports.
  mentions: /\b(?:create_task|ensure_future)\b/,
  check({ discarded, container, conditional, name, assigned }, { model, report: reportAny }) {
    const isSpawn = (node: Node | null | undefined): node is Node =>
      node?.type === 'call' && model.calleeMayEndIn(node, (name) => SPAWNER_NAMES.has(name)) && TASK_SPAWNERS.has(model.callee(node) ?? '') && !wrapsFuture(node)
      && !catchesItsOwnErrors(node, model) && !spawnsIntoAGroup(node) && !TEARDOWN_HOOKS.has(model.enclosingFunction(node)?.name ?? '')
      && !isScriptMain(node, model) && !runsTheLoopAfter(node, model);
    const wrapsFuture = (call: Node) => {
      if (lastPart(model.callee(call) ?? '') !== 'ensure_future') return false;
      const first = call.childForFieldName('arguments')?.namedChildren.find((child) => child?.type !== 'comment');
      return !!first && first.type !== 'keyword_argument' && FUTURE_MAKERS.has(model.typeOf(first) ?? '');
    };
    // Worded only when there is something to report (most matches are other calls).
    const report = (node: Node, what: string) => reportAny(node, `${what}: ${whyItMatters(model)}`);
    // A statement that builds a list, tuple or set of tasks (`[asyncio.create_task(f(x)) for x in xs]`) or picks
    // one with `a if c else b` throws the tasks away with it.
    if (container) {
      for (const call of droppedCalls(container).filter(isSpawn)) report(call, `the task from \`${callSnippet(call)}\` is not kept (${model.describeContext(call)})`);
      return;
    }
    // `x if asyncio.create_task(...) else y`: the task is only tested for truth, then dropped.
    if (conditional) {
      let test = namedChildren(conditional)[1];
      while (test?.type === 'parenthesized_expression') test = namedChildren(test)[0];
      if (isSpawn(test)) report(test, `the task from \`${callSnippet(test)}\` is only tested for truth and not kept (${model.describeContext(test)})`);
      return;
    }
    // `asyncio.create_task(job()).add_done_callback(log_errors)`: the callback is kept by the task, not the
    // task by anyone, so the task can still be collected mid-run.
    const callbackOwner = calledName(discarded) === 'add_done_callback' ? discarded!.childForFieldName('function')?.childForFieldName('object') : null;
    if (isSpawn(callbackOwner)) {
      report(callbackOwner, `the task from \`${callSnippet(callbackOwner)}\` only gets a done callback and is not kept (${model.describeContext(callbackOwner)})`);
      return;
    }
    const call = discarded ?? assigned;
    if (!isSpawn(call)) return;
    // The call is the whole statement: nothing keeps the task.
    if (discarded) report(call, `the task from \`${callSnippet(call)}\` is not kept (${model.describeContext(call)})`);
    // Kept only in a local variable nothing reads: the reference is gone when the function returns.
    else if (name && isUnreadLocal(name, model)) {
      report(call, `the task from \`${callSnippet(call)}\` is assigned to \`${name.text}\`, which ${model.describeContext(call)} never reads`);
    }
  },
});

/** Why a thrown-away task matters, and how to keep it. asyncio.TaskGroup came with 3.11; anyio code (which may
 *  run on asyncio) has its own task groups. */
function whyItMatters(model: SemanticModel): string {
  const library = asyncLibrary(model);
  const group = library === 'anyio' ? ' or start it in an anyio task group' : library === 'asyncio' && model.pythonHas([3, 11]) ? ' or use an `asyncio.TaskGroup`' : '';
  return `the event loop holds only a weak reference, so it may be garbage-collected before it finishes and its exception is never seen; keep it (a set plus \`task.add_done_callback(tasks.discard)\`)${group}`;
}

/** A script's `if __name__ == "__main__":` block, or a `__main__` module: the task is the program's work, and
 *  the loop runs until it ends. */
function isScriptMain(node: Node, model: SemanticModel): boolean {
  if (model.moduleName === '__main__' || model.moduleName.endsWith('.__main__')) return true;
  for (let at: Node | null = node.parent; at; at = at.parent) {
    if (at.type === 'if_statement' && at.parent?.type === 'module' && /__name__\s*==\s*["']__main__["']/.test(at.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

/** `ensure_future(self.taskgroup.spawn(coro))`: the task only hands the real one to a group that keeps it, and
 *  ends in its first step. */
function spawnsIntoAGroup(spawn: Node): boolean {
  const first = spawn.childForFieldName('arguments')?.namedChildren.find((child) => child?.type !== 'comment');
  return first?.type === 'call' && SPAWNS_INTO_GROUP.has(calledName(first) ?? '');
}

/** A synchronous function that starts the task, then runs the loop until it is stopped (`ensure_future(connect());
 *  loop.run_forever()` in a console script's `main()`): the task is the program's work, and the loop runs for it.
 *  (`run_until_complete(other())` runs only until another coroutine ends: a task started beside it is reported.) */
function runsTheLoopAfter(spawn: Node, model: SemanticModel): boolean {
  const owner = model.enclosingFunction(spawn);
  if (!owner || owner.isAsync) return false;
  return owner.node.descendantsOfType('call').some((call) => !!call && call.startIndex > spawn.endIndex
    && model.enclosingFunction(call) === owner && LOOP_STARTERS.get(model.callee(call) ?? '')?.awaitsArgument === false);
}

/** Does the task run a local coroutine function that leaves nothing for an owner to collect? One whose whole
 *  body catches its own errors; a delayed action (it sleeps, then does one guarded step); one that never
 *  suspends and can only end the process; or the continuation of a task the object keeps. */
function catchesItsOwnErrors(spawn: Node, model: SemanticModel): boolean {
  const first = spawn.childForFieldName('arguments')?.namedChildren.find((child) => child?.type !== 'comment');
  if (first?.type !== 'call') return false;
  const name = model.callee(first);
  const fn = name ? model.definition(name) : functionHeldBy(first, model);
  if (!fn || !('isAsync' in fn) || !fn.isAsync || fn.isGenerator || fn.isLambda) return false;
  if (fn.decorators.some((decorator) => !TRANSPARENT_DECORATORS.has(decoratorName(decorator, model) ?? ''))) return false;
  // A method another local class also defines may be that one for `self.name()`.
  if (fn.ownerClass && model.classes.some((cls) => cls !== fn.ownerClass && cls.methods.has(fn.name))) return false;
  const body = fn.node.childForFieldName('body');
  return !!body && (catchesItsErrors(fn, body, model) || isDelayedGuardedAction(spawn, fn, body, model) || onlyEndsTheProcess(fn, body, model)
    || continuesAKeptTask(spawn, first, fn, model));
}

/** The body (after a docstring) is one `try` with an `except Exception` / `except BaseException` / bare
 *  `except:` that raises nothing again. */
function catchesItsErrors(fn: FunctionInfo, body: Node, model: SemanticModel): boolean {
  const statements = bodyStatements(body);
  const [only] = statements;
  return statements.length === 1 && isGuard(fn, only, model, (clause) => catchesEverything(clause, model));
}

/** `await asyncio.sleep(delay)`, then one `try` whose `except` (of any type) raises nothing again, written in
 *  place: a nested `async def` of the function that starts it (discord.py's `delete_after`). The task spends
 *  its life on the loop's timer, which holds it, and the one step it was made for handles the failure it
 *  expects; there is no result to wait for. A method (`self._reconnect()` after a delay) is the object's
 *  machinery instead, which its owner must be able to cancel on close: still reported. */
function isDelayedGuardedAction(spawn: Node, fn: FunctionInfo, body: Node, model: SemanticModel): boolean {
  if (fn.ownerClass || !fn.node.parent || model.enclosingFunction(fn.node.parent) !== model.enclosingFunction(spawn)) return false;
  const statements = bodyStatements(body);
  let sleeps = 0;
  while (statements.length > 1 && isSleep(statements[0], model)) {
    statements.shift();
    sleeps++;
  }
  return sleeps > 0 && statements.length === 1 && isGuard(fn, statements[0], model, () => true);
}

/** A `try` with an `except` clause `handles` accepts and that raises nothing again (an `else:` or `finally:`,
 *  `self.stop()` after a handled submit, is bookkeeping: the work is guarded). */
function isGuard(fn: FunctionInfo, statement: Node | undefined, model: SemanticModel, handles: (clause: Node) => boolean): boolean {
  if (statement?.type !== 'try_statement') return false;
  return namedChildren(statement).some((clause) => clause.type === 'except_clause' && handles(clause)
    && clause.descendantsOfType('raise_statement').every((raise) => !!raise && model.enclosingFunction(raise) !== fn));
}

const SLEEPS = new Set(['asyncio.sleep', 'asyncio.tasks.sleep', 'trio.sleep', 'anyio.sleep']);

function isSleep(statement: Node, model: SemanticModel): boolean {
  const awaited = statement.type === 'expression_statement' ? namedChildren(statement)[0] : null;
  const call = awaited?.type === 'await' ? namedChildren(awaited)[0] : null;
  return call?.type === 'call' && SLEEPS.has(model.callee(call) ?? '');
}

/** Never suspends (no `await`, `async for` or `async with`), calls only builtins and `sys`/`os` process exits,
 *  and ends the process somewhere (`sys.exit(1)` once startup logged an error): the task runs to its end in
 *  the loop's next step, held by the loop's ready queue until then, and what it raises (SystemExit) leaves the
 *  loop from the task. */
function onlyEndsTheProcess(fn: FunctionInfo, body: Node, model: SemanticModel): boolean {
  if (model.awaitPointsIn(body).length > 0) return false;
  const calls = body.descendantsOfType('call').filter((call): call is Node => !!call && model.enclosingFunction(call) === fn);
  const callees = calls.map((call) => (isStringMethod(call) ? 'builtins.str' : model.callee(call) ?? ''));
  return callees.some((callee) => PROCESS_EXITS.has(callee))
    && callees.every((callee) => PROCESS_EXITS.has(callee) || /^builtins\.\w+$/.test(callee));
}

const PROCESS_EXITS = new Set(['sys.exit', 'os._exit', 'builtins.exit', 'builtins.quit']);

/** `"\n".join(lines)`, `f"..".format(x)`: a method of a string literal. */
function isStringMethod(call: Node): boolean {
  const fn = call.childForFieldName('function');
  const object = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  return object?.type === 'string';
}

/** A body's statements after its docstring. */
function bodyStatements(body: Node): Node[] {
  const statements = namedChildren(body);
  if (statements[0]?.type === 'expression_statement' && namedChildren(statements[0])[0]?.type === 'string') statements.shift();
  return statements;
}

function catchesEverything(handler: Node, model: SemanticModel): boolean {
  const value = handler.childForFieldName('value');
  if (!value) return true; // `except:`
  let types: Node | null = value.type === 'as_pattern' ? value.namedChildren[0] : value;
  while (types?.type === 'parenthesized_expression') types = types.namedChildren[0];
  const elements = types?.type === 'tuple' ? namedChildren(types) : types ? [types] : [];
  return elements.some((element) => {
    const caught = model.qualifiedName(element);
    return caught === 'builtins.Exception' || caught === 'builtins.BaseException';
  });
}

function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => !!child && child.type !== 'comment');
}

/** The calls whose value a statement made of `expr` throws away: the elements of a list, tuple or set display,
 *  the element of a list or set comprehension (run at once, unlike a generator expression), either branch of
 *  `a if c else b`. */
function droppedCalls(expr: Node): Node[] {
  switch (expr.type) {
    case 'call':
      return [expr];
    case 'list':
    case 'tuple':
    case 'set':
    case 'parenthesized_expression':
      return namedChildren(expr).flatMap(droppedCalls);
    case 'list_comprehension':
    case 'set_comprehension': {
      const body = expr.childForFieldName('body');
      return body ? droppedCalls(body) : [];
    }
    case 'conditional_expression': {
      const [consequence, , alternative] = namedChildren(expr);
      return [consequence, alternative].filter((branch): branch is Node => !!branch).flatMap(droppedCalls);
    }
    default:
      return [];
  }
}
