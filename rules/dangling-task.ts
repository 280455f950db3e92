import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import { decoratorName, lastPart, type FunctionInfo, type SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { TRANSPARENT_DECORATORS } from '../src/analyzer/model/known-apis.js';
import { asyncLibrary } from '../src/analyzer/rule-helpers.js';
import { calledName, callSnippet } from './support/calls.js';
import { isUnreadLocal } from './support/locals.js';
import { VALUE_USE_QUERY } from './support/value-use.js';

/** Calls that schedule a task and return the only strong reference to it. Task groups (asyncio.TaskGroup,
 *  anyio/trio start_soon) keep their own reference, so they are not listed. */
const TASK_SPAWNERS = new Set([
  'asyncio.create_task', 'asyncio.ensure_future', 'asyncio.tasks.create_task', 'asyncio.tasks.ensure_future',
  'asyncio.AbstractEventLoop.create_task',
]);

/** What makes a Future rather than a coroutine (the type of the value, as the model names it): `ensure_future`
 *  hands a Future back unchanged, schedules no task, and the Future's work (an executor job) runs anyway. */
const FUTURE_MAKERS = new Set([
  'asyncio.AbstractEventLoop.run_in_executor', 'asyncio.AbstractEventLoop.create_future', 'asyncio.wrap_future',
  'asyncio.futures.wrap_future', 'asyncio.Future', 'asyncio.futures.Future',
]);

/** `create_task`, `ensure_future`: what a call of a spawner ends with. */
const SPAWNER_NAMES = new Set([...TASK_SPAWNERS].map(lastPart));

export default defineRule({
  name: 'dangling-task',
  aliases: ['RUF006', 'ASYNC300'],
  severity: 'warning',
  costsOnlyInProduction: true,
  what: 'Reports `asyncio.create_task()`, `asyncio.ensure_future()` and `loop.create_task()` whose task is thrown away: the call is a whole statement (alone, or in a list, tuple or set built as a statement such as `[asyncio.create_task(f(x)) for x in xs]`), its task is only tested for truth, or it is assigned to a local variable the function never reads. Left alone: a task running a local coroutine function whose whole body catches its own errors (one `try` with `except Exception`, a logging wrapper such as `async def logged(coro): try: await coro except Exception: log...`): no failure can vanish, and maintainers do not take the weak reference alone for a bug (discord.py declined exactly that change); and a task started from `__del__`, best-effort cleanup of an object that is going away.',
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
  check({ discarded, container, conditional, name, assigned }, { model, report }) {
    const isSpawn = (node: Node | null | undefined): node is Node =>
      node?.type === 'call' && model.calleeMayEndIn(node, (name) => SPAWNER_NAMES.has(name)) && TASK_SPAWNERS.has(model.callee(node) ?? '') && !wrapsFuture(node)
      && !catchesItsOwnErrors(node, model) && model.enclosingFunction(node)?.name !== '__del__' && !isScriptMain(node, model);
    const wrapsFuture = (call: Node) => {
      if (lastPart(model.callee(call) ?? '') !== 'ensure_future') return false;
      const first = call.childForFieldName('arguments')?.namedChildren.find((child) => child?.type !== 'comment');
      return !!first && first.type !== 'keyword_argument' && FUTURE_MAKERS.has(model.typeOf(first) ?? '');
    };
    // asyncio.TaskGroup came with 3.11; anyio code (which may run on asyncio) has its own task groups.
    const library = asyncLibrary(model);
    const group = library === 'anyio' ? ' or start it in an anyio task group' : library === 'asyncio' && model.pythonHas([3, 11]) ? ' or use an `asyncio.TaskGroup`' : '';
    const why = `the event loop holds only a weak reference, so it may be garbage-collected before it finishes and its exception is never seen; keep it (a set plus \`task.add_done_callback(tasks.discard)\`)${group}`;
    // A statement that builds a list, tuple or set of tasks (`[asyncio.create_task(f(x)) for x in xs]`) or picks
    // one with `a if c else b` throws the tasks away with it.
    if (container) {
      for (const call of droppedCalls(container).filter(isSpawn)) report(call, `the task from \`${callSnippet(call)}\` is not kept (${model.describeContext(call)}): ${why}`);
      return;
    }
    // `x if asyncio.create_task(...) else y`: the task is only tested for truth, then dropped.
    if (conditional) {
      let test = namedChildren(conditional)[1];
      while (test?.type === 'parenthesized_expression') test = namedChildren(test)[0];
      if (isSpawn(test)) report(test, `the task from \`${callSnippet(test)}\` is only tested for truth and not kept (${model.describeContext(test)}): ${why}`);
      return;
    }
    // `asyncio.create_task(job()).add_done_callback(log_errors)`: the callback is kept by the task, not the
    // task by anyone, so the task can still be collected mid-run.
    const callbackOwner = calledName(discarded) === 'add_done_callback' ? discarded!.childForFieldName('function')?.childForFieldName('object') : null;
    if (isSpawn(callbackOwner)) {
      report(callbackOwner, `the task from \`${callSnippet(callbackOwner)}\` only gets a done callback and is not kept (${model.describeContext(callbackOwner)}): ${why}`);
      return;
    }
    const call = discarded ?? assigned;
    if (!isSpawn(call)) return;
    // The call is the whole statement: nothing keeps the task.
    if (discarded) report(call, `the task from \`${callSnippet(call)}\` is not kept (${model.describeContext(call)}): ${why}`);
    // Kept only in a local variable nothing reads: the reference is gone when the function returns.
    else if (name && isUnreadLocal(name, model)) {
      report(call, `the task from \`${callSnippet(call)}\` is assigned to \`${name.text}\`, which ${model.describeContext(call)} never reads: ${why}`);
    }
  },
});

/** A script's `if __name__ == "__main__":` block, or a `__main__` module: the task is the program's work, and
 *  the loop runs until it ends. */
function isScriptMain(node: Node, model: SemanticModel): boolean {
  if (model.moduleName === '__main__' || model.moduleName.endsWith('.__main__')) return true;
  for (let at: Node | null = node.parent; at; at = at.parent) {
    if (at.type === 'if_statement' && at.parent?.type === 'module' && /__name__\s*==\s*["']__main__["']/.test(at.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

/** Does the task run a local coroutine function that catches its own errors? It leaves no exception to
 *  retrieve; one that never suspends also runs to its end in the loop's first step. */
function catchesItsOwnErrors(spawn: Node, model: SemanticModel): boolean {
  const first = spawn.childForFieldName('arguments')?.namedChildren.find((child) => child?.type !== 'comment');
  if (first?.type !== 'call') return false;
  const name = model.callee(first);
  const fn = name ? model.definition(name) : undefined;
  if (!fn || !('isAsync' in fn) || !fn.isAsync || fn.isGenerator || fn.isLambda) return false;
  if (fn.decorators.some((decorator) => !TRANSPARENT_DECORATORS.has(decoratorName(decorator, model) ?? ''))) return false;
  // A method another local class also defines may be that one for `self.name()`.
  if (fn.ownerClass && model.classes.some((cls) => cls !== fn.ownerClass && cls.methods.has(fn.name))) return false;
  const body = fn.node.childForFieldName('body');
  return !!body && catchesItsErrors(fn, body, model);
}

/** The body (after a docstring) is one `try` with an `except Exception` / `except BaseException` / bare
 *  `except:` that raises nothing again. */
function catchesItsErrors(fn: FunctionInfo, body: Node, model: SemanticModel): boolean {
  const statements = namedChildren(body);
  if (statements[0]?.type === 'expression_statement' && namedChildren(statements[0])[0]?.type === 'string') statements.shift();
  const [only] = statements;
  if (statements.length !== 1 || only?.type !== 'try_statement') return false;
  // An `else:` or `finally:` (`self.stop()` after a handled submit) is bookkeeping; the work is guarded.
  const clauses = namedChildren(only);
  return clauses.some((clause) => clause.type === 'except_clause' && catchesEverything(clause, model)
    && clause.descendantsOfType('raise_statement').every((raise) => !!raise && model.enclosingFunction(raise) !== fn));
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
