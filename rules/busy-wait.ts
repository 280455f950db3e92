import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import { isInTestFunction } from '../src/analyzer/model/test-code.js';
import { decoratorName, type FunctionInfo, type SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { ASYNC_SLEEP_FUNCTIONS } from '../src/analyzer/model/known-apis.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { calledName } from './support/calls.js';

export default defineRule({
  name: 'busy-wait',
  aliases: ['ASYNC110'],
  severity: 'warning',
  blocksTheLoop: true,
  defaultEnabled: false,
  note: 'Off by default: whether a polling loop should wait on an event instead depends on who changes the condition, which the code rarely says. On the ecosystem check maintainers accepted 1 of 4 findings (a test client spinning on a thread\'s queue, fixed upstream); the others polled a flag set from a signal handler or by users of a public attribute, or drained connections at shutdown, where upstream keeps the loop. Turn it on (`rules: { busy-wait: warning }` or `--select busy-wait`) to review polling loops.',
  scope: 'coroutine',
  what: 'Reports a `while` loop in a coroutine whose body only sleeps (`await asyncio.sleep(...)`), polling its condition, also `while q.empty():` on a thread\'s `queue.Queue`. Tests and pytest fixtures (and functions defined in them), which poll the code under test, are left alone.',
  why: 'Polling wakes the task over and over for nothing and reacts late, up to a whole sleep interval after the condition changes. An `asyncio.Event` wakes the waiter exactly when the condition becomes true.',
  bad: `import asyncio


class Job:
    def __init__(self):
        self.done = False

    async def wait(self):
        while not self.done:
            await asyncio.sleep(0.1)
`,
  good: `import asyncio


class Job:
    def __init__(self):
        self.done = asyncio.Event()

    async def wait(self):
        await self.done.wait()
`,
  query: '(while_statement condition: (_) @condition body: (block) @body) @loop',
  check({ loop, condition, body }, { model, report }) {
    if (isAlwaysTrue(condition) || loop.childForFieldName('alternative') || !model.isInCoroutine(loop)) return;
    if (readsClock(condition)) return; // `while loop.time() < deadline:` waits for time itself, not for an event
    const statements = body.namedChildren.filter((s): s is Node => !!s && s.type !== 'comment');
    const sleeps = statements.filter((s) => isAwaitedSleep(s, model));
    if (sleeps.length === 0 || !statements.every((s) => s.type === 'pass_statement' || sleeps.includes(s))) return;
    // `while client.loop_misc() == OK:` does the periodic work in its condition, like `while running: tick()`.
    if (callsForEffect(condition)) return;
    // `while not stop.is_set():` on a `threading.Event` that another thread sets: an asyncio.Event cannot be
    // set from there. A thread's `queue.Queue` is still polled: the item can be waited for in a thread.
    const threadQueue = threadQueueIn(condition, model);
    if (!threadQueue && readsThreadSharedState(condition, model)) return;
    // `while (n := n - 1) > 0:` counts down: the condition is the loop's work, a timer, not a poll.
    if (countsInCondition(condition)) return;
    // A test polls the code under test, which has no event to offer it (and its loops are bounded by a timeout).
    if (isInTestFunction(loop, model)) return;
    // `while (await counter.n) != 12:` asks another task or process each time (an actor's attribute over RPC).
    if (condition.descendantsOfType('await').length > 0) return;
    const advice = threadQueue ? threadQueueAdvice(threadQueue, sleeps[0]!, model) : `wait on an \`${eventClass(sleeps[0]!, model)}\` set where the condition changes`;
    report(loop, `\`while ${snippet(condition)}\` polls with sleep in ${model.describeContext(loop)}; ${advice}`, {
      endNode: condition,
    });
  },
});

/** `while True:` / `while 1:` (or any other truthy constant, such as `while ...:`) is a periodic loop, not polling. */
function isAlwaysTrue(condition: Node): boolean {
  switch (condition.type) {
    case 'true':
    case 'ellipsis':
      return true;
    case 'integer':
    case 'float': {
      const value = Number(condition.text.replace(/_/g, '').replace(/[jJ]$/, ''));
      return !Number.isNaN(value) && value !== 0;
    }
    default:
      return false;
  }
}

const CLOCK_READS = new Set(['time', 'monotonic', 'perf_counter', 'time_ns', 'monotonic_ns', 'now', 'utcnow', 'current_time']);

/** Does the condition read a clock (`time.monotonic()`, `loop.time()`, `datetime.now()`, `trio.current_time()`)? */
function readsClock(condition: Node): boolean {
  return condition.descendantsOfType('call').some((call) => CLOCK_READS.has(calledName(call) ?? ''));
}

const PURE_BUILTINS = new Set(['len', 'bool', 'any', 'all', 'isinstance', 'issubclass', 'hasattr', 'getattr', 'callable', 'min', 'max', 'sum', 'int', 'float', 'str', 'id', 'type']);
// Not `proc.poll()` or `os.path.exists(path)`: another process changes what they read, so no event in this
// program could be set where the condition changes.
const STATE_READS = new Set(['done', 'cancelled', 'empty', 'full', 'locked', 'qsize', 'result', 'exception', 'get', 'keys', 'values', 'items', 'count', 'startswith', 'endswith']);

/** Does the condition call something that is not known to only read state (`task.done()`, `queue.empty()`,
 *  `len(...)`, `x.is_ready()`, `x.isRunning()`)? Such a call may be the loop's work (paho's `loop_misc()`
 *  sends keep-alives; `await self.check_remote()` asks another process), which no event could replace. */
function callsForEffect(condition: Node): boolean {
  return condition.descendantsOfType('call').some((call) => {
    const fn = call?.childForFieldName('function');
    if (fn?.type === 'identifier') return !PURE_BUILTINS.has(fn.text) && !isQueryName(fn.text);
    const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    return !name || OTHER_THREAD_READS.has(name) || !(STATE_READS.has(name) || isQueryName(name));
  });
}

/** `thread.is_alive()`, `process.is_alive()`: another thread or process ends, not this program's code, so no
 *  asyncio.Event could be set where the condition changes (like `proc.poll()`). */
const OTHER_THREAD_READS = new Set(['is_alive', 'isAlive']);

const THREAD_SHARED_MODULES = ['threading.', 'multiprocessing.', 'queue.'];

/** Does the condition read a thread-safe object (`threading.Event().is_set()`, `queue.Queue().empty()`,
 *  `multiprocessing.Process().exitcode`)? Other threads or processes change those, and the loop cannot await them. */
function readsThreadSharedState(condition: Node, model: SemanticModel): boolean {
  return condition.descendantsOfType('attribute').some((attribute) => {
    const object = attribute?.childForFieldName('object');
    const type = object ? model.typeOf(object) : null;
    return !!type && THREAD_SHARED_MODULES.some((module) => type.startsWith(module));
  });
}

/** The thread-safe queue (`queue.Queue`, `SimpleQueue`, ...) whose `empty()` or `qsize()` the condition polls. */
function threadQueueIn(condition: Node, model: SemanticModel): Node | null {
  for (const call of condition.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function');
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : null;
    const object = method === 'empty' || method === 'qsize' ? fn!.childForFieldName('object') : null;
    if (object && (model.typeOf(object) ?? '').startsWith('queue.')) return object;
  }
  return null;
}

/** How to wait for a thread's queue with the library the loop sleeps with. */
function threadQueueAdvice(queue: Node, sleep: Node, model: SemanticModel): string {
  const get = `${snippet(queue, 30)}.get`;
  const library = awaitedSleep(sleep, model)?.split('.')[0];
  if (library === 'trio' || library === 'anyio') {
    return `wait for the item in a thread (\`await ${library}.to_thread.run_sync(${get})\`), or have the producer set an \`${library}.Event\` through \`${library}.from_thread.run_sync\``;
  }
  const inThread = model.pythonHas([3, 9]) ? `await asyncio.to_thread(${get})` : `await loop.run_in_executor(None, ${get})`;
  return `wait for the item in a thread (\`${inThread}\`), or have the producer hand it to the loop with \`loop.call_soon_threadsafe\``;
}

/** A walrus whose new value is computed from its old one (`(n := n - 1)`, `(tries := tries + 1)`). */
function countsInCondition(condition: Node): boolean {
  return condition.descendantsOfType('named_expression').some((walrus) => {
    const name = walrus?.childForFieldName('name')?.text;
    const value = walrus?.childForFieldName('value');
    if (!name || !value) return false;
    const members = new Set(value.descendantsOfType('attribute').map((a) => a?.childForFieldName('attribute')?.id));
    return value.descendantsOfType('identifier').some((id) => id?.text === name && !members.has(id.id));
  });
}

/** `is_set`, `has_data`, `isRunning`, `get_state`, `can_write`... */
function isQueryName(name: string): boolean {
  return /^_*(is|has|can|should|was|get)(_|[A-Z])/.test(name);
}

/** `await asyncio.sleep(...)` (or anyio/trio sleep) as a statement. */
function isAwaitedSleep(statement: Node, model: SemanticModel): boolean {
  return ASYNC_SLEEP_FUNCTIONS.has(awaitedSleep(statement, model) ?? '');
}

/** What the statement awaits when it is `await f(...)`: `asyncio.sleep`, `anyio.sleep`, ... */
function awaitedSleep(statement: Node, model: SemanticModel): string | null {
  const awaited = statement.type === 'expression_statement' ? statement.namedChildren[0] : null;
  const call = awaited?.type === 'await' ? awaited.namedChildren[0] : null;
  return call?.type === 'call' ? model.callee(call) : null;
}

/** The event of the library the loop sleeps with: trio and anyio code waits on their own Event. */
function eventClass(sleep: Node, model: SemanticModel): string {
  const library = awaitedSleep(sleep, model)?.split('.')[0];
  return library === 'trio' || library === 'anyio' ? `${library}.Event` : 'asyncio.Event';
}
