import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../src/analyzer/rule.js';
import { decoratorName } from '../src/analyzer/model/semantic-model.js';
import type { FunctionInfo, SemanticModel } from '../src/analyzer/model/semantic-model.js';
import type { Scope } from '../src/analyzer/model/scopes.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { replaceNode } from '../src/analyzer/engine.js';
import { isInCompatibilityBranch } from './support/version-guards.js';
import { usesOfNames } from './support/module-names.js';

const COROUTINE_DECORATORS = new Set(['asyncio.coroutine', 'asyncio.coroutines.coroutine']);

/** asyncio functions and classes whose `loop` parameter was removed in Python 3.10. (Those that still take
 *  one, such as ensure_future, run_coroutine_threadsafe, Future and all_tasks, are not listed.) */
const LOOP_PARAMETER_REMOVED = new Set([
  ...['sleep', 'wait_for', 'wait', 'gather', 'shield', 'as_completed', 'open_connection', 'start_server',
    'open_unix_connection', 'start_unix_server', 'create_subprocess_exec', 'create_subprocess_shell',
    'Queue', 'PriorityQueue', 'LifoQueue', 'Lock', 'Event', 'Condition', 'Semaphore', 'BoundedSemaphore']
    .map((name) => `asyncio.${name}`),
]);

/** `asyncio.Task` class methods removed in Python 3.9, and the module functions that replace them. */
const TASK_CLASS_METHODS: ReadonlyMap<string, string> = new Map([
  ['asyncio.Task.all_tasks', 'all_tasks'],
  ['asyncio.Task.current_task', 'current_task'],
  ['asyncio.tasks.Task.all_tasks', 'all_tasks'],
  ['asyncio.tasks.Task.current_task', 'current_task'],
]);

/** Child watchers, removed in Python 3.14 (deprecated since 3.12), by the names the modules defining them export. */
const CHILD_WATCHERS = ['get_child_watcher', 'set_child_watcher', 'AbstractChildWatcher', 'SafeChildWatcher', 'FastChildWatcher',
  'MultiLoopChildWatcher', 'ThreadedChildWatcher', 'PidfdChildWatcher'];
const REMOVED_IN_3_14: ReadonlySet<string> = new Set([
  ...CHILD_WATCHERS.flatMap((name) => ['asyncio', 'asyncio.unix_events', 'asyncio.events'].map((module) => `${module}.${name}`)),
  // The policy's methods: `asyncio.get_event_loop_policy().get_child_watcher()` (the model types a call's value by the callee).
  ...['asyncio.get_event_loop_policy', 'asyncio.events.get_event_loop_policy', 'asyncio.AbstractEventLoopPolicy', 'asyncio.DefaultEventLoopPolicy']
    .flatMap((policy) => [`${policy}.get_child_watcher`, `${policy}.set_child_watcher`]),
]);

export default defineRule({
  name: 'removed-asyncio-api',
  aliases: [],
  severity: 'error',
  what: 'Reports asyncio APIs that current Python no longer has: `@asyncio.coroutine` (removed in 3.11), `yield from` inside `async def`, `loop=` arguments to asyncio functions and primitives (removed in 3.10), `asyncio.Task.all_tasks()` / `asyncio.Task.current_task()` (removed in 3.9), and, where the project may run on Python 3.14, `asyncio.get_event_loop()` where no loop runs or is set (at module level, or in a sync `main()` that then starts the loop with `run_until_complete`), which 3.14 turns into a RuntimeError, and child watchers (`asyncio.get_child_watcher()`, `set_child_watcher()`, the `*ChildWatcher` classes: removed in 3.14). Compatibility code is left alone: a branch chosen by a version or `hasattr` test, an attempt of the old API caught by `except AttributeError`/`TypeError`, and a `loop=` call in the `except` fallback of a `try` that first attempts the same call without it (`try: asyncio.Event()` / `except RuntimeError: asyncio.Event(loop=loop)`), which runs only where that attempt failed. (`asyncio.async()` is not reported: since 3.7 `async` is a keyword and Python itself rejects the line as a SyntaxError; use `asyncio.ensure_future()`.)',
  why: 'On current Python these raise AttributeError or TypeError when the code runs (or SyntaxError when the module is imported), typically in the rarely exercised code paths nobody migrated; `asyncio.get_event_loop()` with no loop running or set raises RuntimeError from Python 3.14 on, where it used to create a loop.',
  bad: `import asyncio


async def pause(loop):
    await asyncio.sleep(1, loop=loop)
    return asyncio.Task.all_tasks()
`,
  good: `import asyncio


async def pause(loop):
    await asyncio.sleep(1)
    return asyncio.all_tasks()
`,
  fix: 'Drops `loop=` arguments inside coroutines (outside one, asyncio would use `get_event_loop()`\'s loop instead of the one passed, so no fix is offered); replaces `asyncio.Task.all_tasks()` / `current_task()` with `asyncio.all_tasks()` / `asyncio.current_task()` where every supported Python has them (3.7+); replaces `loop = asyncio.get_event_loop()` + `loop.run_until_complete(main())` (+ `loop.close()`), or `asyncio.get_event_loop().run_until_complete(main())`, with `asyncio.run(main())` when the project\'s Pythons all have it (3.7+) and the module uses that loop for nothing else; otherwise the message advises `asyncio.new_event_loop()` with `asyncio.set_event_loop()`, or `asyncio.run()`.',
  query: `
(decorator) @decorator
(yield "from") @yield_from
(keyword_argument name: (identifier) @keyword (#eq? @keyword "loop")) @loop_argument
(call function: (attribute attribute: (identifier) @method (#any-of? @method "all_tasks" "current_task"))) @call
(call function: [(identifier) @getter (attribute attribute: (identifier) @getter)] (#eq? @getter "get_event_loop")) @get_event_loop
(module) @module
`,
  check({ decorator, yield_from: yieldFrom, loop_argument: loopArgument, call, get_event_loop: getEventLoop, module }, { model, report: reportAny }) {
    // Code for old Pythons, chosen by a version or hasattr test, uses the old API on purpose.
    const report: RuleContext['report'] = (node, message, options) => {
      if (!isInCompatibilityBranch(node)) reportAny(node, message, options);
    };
    if (decorator && COROUTINE_DECORATORS.has(decoratorName(decorator, model) ?? '')) {
      report(decorator, '`@asyncio.coroutine` was removed in Python 3.11: define the function with `async def` and replace its `yield from` with `await`');
    }
    if (yieldFrom && model.enclosingFunction(yieldFrom)?.isAsync) {
      report(yieldFrom, `\`${snippet(yieldFrom)}\` inside ${model.describeContext(yieldFrom)}: \`yield from\` is a SyntaxError in an \`async def\`; write \`await ...\` (or \`for item in ...: yield item\` in an async generator)`);
    }
    if (loopArgument) reportLoopArgument(loopArgument, { model, report });
    if (getEventLoop) reportGetEventLoopWithoutLoop(getEventLoop, { model, report });
    if (module && model.pythonReaches([3, 14])) {
      for (const use of usesOfNames(module, CHILD_WATCHERS, model)) {
        // An annotation is not evaluated on 3.14 (PEP 649), nor ever for a local variable.
        if (!REMOVED_IN_3_14.has(use.qualifiedName ?? '') || insideAnnotation(use.node)) continue;
        const [what, fails] = use.importFrom ? [`from ${use.importFrom.childForFieldName('module_name')!.text} import ${use.name.text}`, 'the import fails (ImportError)'] : [snippet(use.node), 'AttributeError'];
        report(use.node, `\`${what}\`: ${fails} on Python 3.14, which removed child watchers; asyncio watches child processes itself since 3.8, so ${model.pythonHas([3, 8]) ? 'drop it' : 'use it only on older Pythons, behind a version check'}`);
      }
    }
    if (call) {
      const replacementName = TASK_CLASS_METHODS.get(model.callee(call) ?? '');
      if (!replacementName) return;
      const fn = call.childForFieldName('function')!;
      // `asyncio.Task.all_tasks` → `asyncio.all_tasks` (keeping the module alias); `Task.all_tasks` → the alias of asyncio.
      const taskClass = fn.childForFieldName('object');
      const module = taskClass?.type === 'attribute' ? taskClass.childForFieldName('object')?.text : model.moduleAlias('asyncio', fn);
      const modern = `${module ?? 'asyncio'}.${replacementName}`;
      // `asyncio.all_tasks()` and `current_task()` came in 3.7: a project that still supports 3.6 needs both.
      if (!model.pythonHas([3, 7])) {
        report(fn, `\`${snippet(fn)}()\` was removed in Python 3.9: use \`${modern}()\` where it exists (3.7+), behind a version check while older Pythons are supported`);
        return;
      }
      report(fn, `\`${snippet(fn)}()\` was removed in Python 3.9: use \`${modern}()\``, { replacement: module ? modern : undefined });
    }
  },
});

const GET_EVENT_LOOP = new Set(['asyncio.get_event_loop', 'asyncio.events.get_event_loop']);

/** `asyncio.get_event_loop()` where no loop runs or is set: at module level, or in a sync entry point (a
 *  module-level `main()`, or a function the module's own top level calls) that then starts the loop with
 *  `run_until_complete` / `run_forever`, which proves no loop runs there. Python 3.12 and 3.13 warn there, and
 *  3.14 raises RuntimeError instead of creating a loop. Anywhere else it may return the running loop (in a
 *  coroutine, or a callback or helper called from one), so it is left alone. */
function reportGetEventLoopWithoutLoop(call: Node, { model, report }: RuleContext): void {
  if (!GET_EVENT_LOOP.has(model.callee(call) ?? '') || !model.pythonReaches([3, 14])) return;
  const text = model.source.text;
  // A loop set (or a policy installed) earlier is what get_event_loop() returns: no error.
  if (text.lastIndexOf('set_event_loop', call.startIndex) >= 0) return;
  const fn = model.enclosingFunction(call);
  const where = isModuleLevel(call, model) ? 'at module level'
    : fn && isEntryPoint(fn, model) && startsLoopAfter(call, fn.node) && !text.includes('set_event_loop') ? `in function \`${fn.name}\`, which starts the loop itself` : null;
  // (Most calls are in methods, where `where` is null: the climb through the tree for a `try` comes last.)
  if (!where || catchesRuntimeError(call)) return;
  const asyncio = model.moduleAlias('asyncio', call);
  const fix = model.pythonHas([3, 7]) && asyncio ? asyncioRunFix(call, asyncio, model) : undefined;
  const run = model.pythonHas([3, 7]) ? ', or run the program with `asyncio.run(main())`' : '';
  report(call, `\`${snippet(call)}\` ${where}: no event loop runs or is set there, and Python 3.14 raises RuntimeError instead of creating one (3.12 and 3.13 warn); create it with \`loop = asyncio.new_event_loop()\` and \`asyncio.set_event_loop(loop)\`${run}`, {
    lineFix: fix,
  });
}

/** Code run when the module is imported: the module body, a class body or comprehension there, a def's
 *  default values. */
function isModuleLevel(node: Node, model: SemanticModel): boolean {
  for (let scope: Scope | null = model.scopes.scopeOf(node); scope; scope = scope.parent) {
    if (scope.kind === 'module') return true;
    if (scope.kind !== 'class' && scope.kind !== 'comprehension') return false;
  }
  return false;
}

/** A sync function of the module's top level that runs the program: `main`, or one the top level (an
 *  `if __name__ == "__main__":` block) calls. */
function isEntryPoint(fn: FunctionInfo, model: SemanticModel): boolean {
  if (fn.isAsync || fn.isLambda || fn.ownerClass || fn.scope.parent !== model.scopes.module) return false;
  if (fn.name === 'main') return true;
  return model.tree.rootNode.descendantsOfType('call').some((call) =>
    !!call && call.childForFieldName('function')?.text === fn.name && isModuleLevel(call, model));
}

/** Does the function start the loop it got (`loop.run_until_complete(...)`, `loop.run_forever()`, or
 *  `asyncio.get_event_loop().run_until_complete(...)`) after the call? Those raise when a loop is running, so
 *  none is. */
function startsLoopAfter(call: Node, fn: Node): boolean {
  const target = assignedName(call);
  return fn.descendantsOfType('call').some((start) => {
    const callee = start?.childForFieldName('function');
    if (!start || callee?.type !== 'attribute' || start.startIndex < call.startIndex) return false;
    if (!['run_until_complete', 'run_forever'].includes(callee.childForFieldName('attribute')?.text ?? '')) return false;
    const object = callee.childForFieldName('object');
    return !!object && (object.id === call.id || (!!target && object.type === 'identifier' && object.text === target));
  });
}

/** `loop` in `loop = asyncio.get_event_loop()`. */
function assignedName(call: Node): string | null {
  const parent = call.parent;
  const left = parent?.type === 'assignment' && parent.childForFieldName('right')?.id === call.id ? parent.childForFieldName('left') : null;
  return left?.type === 'identifier' ? left.text : null;
}

/** Is the call attempted in a `try` that handles RuntimeError (falling back to a new loop)? */
function catchesRuntimeError(call: Node): boolean {
  for (let child = call, parent = call.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type === 'function_definition' || parent.type === 'lambda') return false;
    if (parent.type !== 'try_statement' || !parent.childForFieldName('body')?.equals(child)) continue;
    for (const handler of parent.namedChildren) {
      if (handler?.type !== 'except_clause') continue;
      const caught = handler.namedChildren.find((part) => part?.type !== 'block' && part?.type !== 'comment');
      if (!caught || /\b(RuntimeError|Exception|BaseException)\b/.test(caught.text)) return true;
    }
  }
  return false;
}

/** `asyncio.run(main())` in place of `asyncio.get_event_loop().run_until_complete(main())`, or of
 *  `loop = asyncio.get_event_loop()` + `loop.run_until_complete(main())` (+ `loop.close()`) on consecutive
 *  lines: only where the module gets and runs that loop nowhere else and the name `loop` is used for nothing
 *  else (asyncio.run closes its loop and leaves none set), and the loop runs a coroutine. */
function asyncioRunFix(call: Node, asyncio: string, model: SemanticModel): { line: number; endLine: number; replacement: string } | undefined {
  const text = model.source.text;
  if (occurrences(text, 'get_event_loop') !== 1 || occurrences(text, 'run_until_complete') !== 1 || text.includes('run_forever')) return undefined;
  const chained = call.parent?.type === 'attribute' && call.parent.parent?.type === 'call' ? call.parent.parent : null;
  if (chained) {
    const coroutine = soleCoroutineArgument(chained, model);
    if (!coroutine || chained.childForFieldName('function')?.childForFieldName('attribute')?.text !== 'run_until_complete') return undefined;
    return replaceNode(model.source, chained, chained, `${asyncio}.run(${coroutine.text})`);
  }
  const name = assignedName(call);
  const assignment = call.parent?.parent;
  if (!name || assignment?.type !== 'expression_statement' || !ownsItsLines(assignment, model)) return undefined;
  const next = nextStatement(assignment);
  const runner = next?.type === 'expression_statement' ? next.namedChildren[0] : null;
  // `loop.run_until_complete(main())` or `result = loop.run_until_complete(main())`.
  const run = runner?.type === 'assignment' ? runner.childForFieldName('right') : runner;
  const target = runner?.type === 'assignment' ? runner.childForFieldName('left') : null;
  const runFn = run?.type === 'call' ? run.childForFieldName('function') : null;
  if (!next || !run || !runFn || runFn.type !== 'attribute' || runFn.childForFieldName('object')?.text !== name
    || runFn.childForFieldName('attribute')?.text !== 'run_until_complete' || !ownsItsLines(next, model)
    || (target && target.type !== 'identifier')) return undefined;
  const coroutine = soleCoroutineArgument(run, model);
  if (!coroutine) return undefined;
  let last = next;
  const close = nextStatement(next);
  if (close && close.text.replace(/\s+/g, '') === `${name}.close()` && ownsItsLines(close, model)) last = close;
  // Every other use of the name would now find no loop (or another object).
  const uses = model.tree.rootNode.descendantsOfType('identifier').filter((id) => id?.text === name).length;
  if (uses !== (last === close ? 3 : 2)) return undefined;
  // A trailing comment is kept (only one: two would have to be merged).
  const comments = [assignment, next, ...(last === close ? [close] : [])].map((statement) => trailingComment(statement, model)).filter(Boolean);
  if (comments.length > 1) return undefined;
  const indent = model.source.line(assignment.startPosition.row).slice(0, assignment.startPosition.column);
  const replacement = `${indent}${target ? `${target.text} = ` : ''}${asyncio}.run(${coroutine.text})${comments[0] ? `  ${comments[0]}` : ''}`;
  return { line: assignment.startPosition.row + 1, endLine: last.endPosition.row + 1, replacement };
}

function occurrences(text: string, word: string): number {
  return text.split(word).length - 1;
}

/** The single positional argument of a call when it makes a coroutine (asyncio.run takes nothing else). */
function soleCoroutineArgument(call: Node, model: SemanticModel): Node | null {
  const args = call.childForFieldName('arguments')?.namedChildren.filter((arg) => arg?.type !== 'comment') ?? [];
  const only = args.length === 1 ? args[0] : null;
  return only && model.producesCoroutine(only) ? only : null;
}

/** The statement after this one in its block, when there is one. */
function nextStatement(statement: Node): Node | null {
  let next = statement.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  return next;
}

/** Does the statement fill its lines alone (nothing before it but indentation, nothing after it but a comment)? */
function ownsItsLines(statement: Node, model: SemanticModel): boolean {
  const first = model.source.line(statement.startPosition.row);
  const rest = model.source.line(statement.endPosition.row).slice(statement.endPosition.column).trim();
  return first.slice(0, statement.startPosition.column).trim() === '' && (rest === '' || rest.startsWith('#'));
}

/** The comment after a statement on its last line, if any. */
function trailingComment(statement: Node, model: SemanticModel): string {
  return model.source.line(statement.endPosition.row).slice(statement.endPosition.column).trim();
}

function insideAnnotation(node: Node): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) if (parent.type === 'type') return true;
  return false;
}

function reportLoopArgument(argument: Node, { model, report }: RuleContext): void {
  const args = argument.parent;
  const call = args?.parent;
  if (args?.type !== 'argument_list' || call?.type !== 'call') return;
  const callee = model.callee(call);
  if (!callee || !LOOP_PARAMETER_REMOVED.has(callee) || isFallbackOfLooplessCall(call, callee, model)) return;
  const remaining = withoutArgument(args, argument, model.source.text);
  // Inside a coroutine asyncio uses the running loop, the only one the call could work with. Outside one it would
  // use get_event_loop()'s, which need not be the loop passed (pydle's ClientPool gathers on a new loop it never
  // sets): dropping the argument there changes which loop runs the work, so no fix is offered.
  const value = argument.childForFieldName('value');
  if (!model.isInCoroutine(call) && value?.type !== 'none') {
    report(argument, `\`${snippet(argument)}\` in \`${callee}()\`: the \`loop\` parameter was removed in Python 3.10 (TypeError); outside a coroutine asyncio would then use \`get_event_loop()\`'s loop, so make the call from a coroutine running on that loop (or set it as the current loop first)`);
    return;
  }
  report(argument, `\`${snippet(argument)}\` in \`${callee}()\`: the \`loop\` parameter was removed in Python 3.10 (TypeError); drop it, asyncio uses the running loop`, {
    lineFix: remaining === null ? undefined : replaceNode(model.source, args, args, remaining),
  });
}

/** `try: asyncio.Event()` / `except RuntimeError: asyncio.Event(loop=loop)` (mitmproxy's Master): the try
 *  attempts the same call without `loop=`, and the handler is the fallback for the old Pythons where that
 *  failed. On a Python without the parameter the attempt succeeds, so the fallback never runs there. */
function isFallbackOfLooplessCall(call: Node, callee: string, model: SemanticModel): boolean {
  for (let at = call.parent; at && at.type !== 'function_definition' && at.type !== 'module'; at = at.parent) {
    if (at.type !== 'except_clause' || at.parent?.type !== 'try_statement') continue;
    const attempt = at.parent.childForFieldName('body');
    return !!attempt && attempt.descendantsOfType('call').some((other) => !!other && model.callee(other) === callee
      && !other.childForFieldName('arguments')?.namedChildren.some((arg) => arg?.type === 'keyword_argument' && arg.childForFieldName('name')?.text === 'loop'));
  }
  return false;
}

/** The argument list's text without one argument and its separating comma; null when a comment is in the way. */
function withoutArgument(args: Node, argument: Node, text: string): string | null {
  const children = args.children.filter((child): child is Node => child !== null);
  const index = children.findIndex((child) => child.id === argument.id);
  if (index < 0 || children.some((child) => child.type === 'comment')) return null;
  if (!children.some((child) => child.isNamed && child.id !== argument.id)) return '()';
  let [cutStart, cutEnd] = [argument.startIndex, argument.endIndex];
  if (children[index - 1]?.type === ',') cutStart = children[index - 2].endIndex; // `f(x, loop=l)` → `f(x)`
  else if (children[index + 1]?.type === ',') cutEnd = children[index + 2].startIndex; // `f(loop=l, x=1)` → `f(x=1)`
  return text.slice(args.startIndex, cutStart) + text.slice(cutEnd, args.endIndex);
}
