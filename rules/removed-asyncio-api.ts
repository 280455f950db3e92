import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../src/analyzer/rule.js';
import { decoratorName } from '../src/analyzer/model/semantic-model.js';
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
  what: 'Reports asyncio APIs that current Python no longer has: `@asyncio.coroutine` (removed in 3.11), `yield from` inside `async def`, `loop=` arguments to asyncio functions and primitives (removed in 3.10), `asyncio.Task.all_tasks()` / `asyncio.Task.current_task()` (removed in 3.9), and, where the project runs on 3.14, child watchers (`asyncio.get_child_watcher()`, `set_child_watcher()`, the `*ChildWatcher` classes: removed in 3.14). (`asyncio.async()` is not reported: since 3.7 `async` is a keyword and Python itself rejects the line as a SyntaxError; use `asyncio.ensure_future()`.)',
  why: 'On current Python these raise AttributeError or TypeError when the code runs (or SyntaxError when the module is imported), typically in the rarely exercised code paths nobody migrated.',
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
  fix: 'Drops `loop=` arguments; replaces `asyncio.Task.all_tasks()` / `current_task()` with `asyncio.all_tasks()` / `asyncio.current_task()`.',
  query: `
(decorator) @decorator
(yield "from") @yield_from
(keyword_argument name: (identifier) @keyword (#eq? @keyword "loop")) @loop_argument
(call function: (attribute attribute: (identifier) @method (#any-of? @method "all_tasks" "current_task"))) @call
(module) @module
`,
  check({ decorator, yield_from: yieldFrom, loop_argument: loopArgument, call, module }, { model, report: reportAny }) {
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
      report(fn, `\`${snippet(fn)}()\` was removed in Python 3.9: use \`${modern}()\``, { replacement: module ? modern : undefined });
    }
  },
});

function insideAnnotation(node: Node): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) if (parent.type === 'type') return true;
  return false;
}

function reportLoopArgument(argument: Node, { model, report }: RuleContext): void {
  const args = argument.parent;
  const call = args?.parent;
  if (args?.type !== 'argument_list' || call?.type !== 'call') return;
  const callee = model.callee(call);
  if (!callee || !LOOP_PARAMETER_REMOVED.has(callee)) return;
  const remaining = withoutArgument(args, argument, model.source.text);
  report(argument, `\`${snippet(argument)}\` in \`${callee}()\`: the \`loop\` parameter was removed in Python 3.10 (TypeError); drop it, asyncio uses the running loop`, {
    lineFix: remaining === null ? undefined : replaceNode(model.source, args, args, remaining),
  });
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
