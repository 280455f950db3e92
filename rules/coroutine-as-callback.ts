import type { Node } from 'web-tree-sitter';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { lastPart, type SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { argumentAt, callSnippet } from './support/calls.js';
import { FUTURE_MAKERS, TASK_SPAWNERS } from '../src/analyzer/model/known-apis.js';

/** APIs that call the function they are given as a plain function and ignore what it returns: where it is
 *  (positional index), and what happens to a coroutine function given to it. The receiver must be known to be
 *  asyncio's (Tornado's IOLoop.add_callback and call_later await what a callback returns). */
interface CallbackTaker { at: number; outcome: 'raises' | 'never-runs' }
const taking = (names: readonly string[], at: number, outcome: CallbackTaker['outcome']): [string, CallbackTaker][] => names.map((name) => [name, { at, outcome }]);
const PLAIN_CALLBACK_TAKERS: ReadonlyMap<string, CallbackTaker> = new Map([
  ...taking(['call_soon', 'call_soon_threadsafe'].map((name) => `asyncio.AbstractEventLoop.${name}`), 0, 'raises'),
  ...taking(['call_later', 'call_at', 'add_signal_handler'].map((name) => `asyncio.AbstractEventLoop.${name}`), 1, 'raises'),
  ...taking(['add_reader', 'add_writer'].map((name) => `asyncio.AbstractEventLoop.${name}`), 1, 'never-runs'),
  ...taking(['signal.signal'], 1, 'never-runs'),
  ...taking(['atexit.register'], 0, 'never-runs'),
]);

/** What a future or task is known by: its class, or the call that made it (`asyncio.create_task(...)`,
 *  `loop.create_future()`, `loop.run_in_executor(...)`): their `add_done_callback` calls `fn(future)`. */
const FUTURES: ReadonlySet<string> = new Set(['asyncio.Future', 'asyncio.Task', 'concurrent.futures.Future', ...TASK_SPAWNERS, ...FUTURE_MAKERS]);
const DONE_CALLBACK: CallbackTaker = { at: 0, outcome: 'never-runs' };

const PARTIALS: ReadonlySet<string> = new Set(['functools.partial']);

export default defineRule({
  name: 'coroutine-as-callback',
  aliases: [],
  severity: 'error',
  what: 'Reports a coroutine function (of this module, another module of the project, or a library) handed to an API that calls it as a plain function: an asyncio loop\'s `call_soon`, `call_soon_threadsafe`, `call_later`, `call_at`, `add_signal_handler`, `add_reader` and `add_writer`, a future\'s or task\'s `add_done_callback`, `signal.signal` and `atexit.register`, directly or through `functools.partial`. Only where the receiver is known to be asyncio\'s: Tornado\'s IOLoop awaits what its callbacks return.',
  why: 'Calling a coroutine function only creates a coroutine. asyncio\'s `call_soon`, `call_later`, `call_at` and `add_signal_handler` refuse it at once (TypeError: coroutines cannot be used with call_soon()); the others call it, drop the coroutine, and its body never runs: the done-callback, signal handler or exit hook silently does nothing but warn "coroutine was never awaited".',
  bad: `import asyncio


async def report(task):
    await asyncio.sleep(0)
    print("done", task)


async def main():
    task = asyncio.create_task(asyncio.sleep(1))
    task.add_done_callback(report)
    await task
`,
  good: `import asyncio


def report(task):
    asyncio.get_running_loop().create_task(log_done(task))


async def log_done(task):
    await asyncio.sleep(0)
    print("done", task)


async def main():
    task = asyncio.create_task(asyncio.sleep(1))
    task.add_done_callback(report)
    await task
`,
  query: CALL_QUERY,
  mentions: /call_soon|call_later|call_at|add_signal_handler|add_reader|add_writer|add_done_callback|signal|atexit/,
  check({ call }, { model, report }) {
    const callee = model.callee(call);
    const taker = (callee ? PLAIN_CALLBACK_TAKERS.get(callee) : undefined) ?? (isDoneCallbackOfFuture(call, model) ? DONE_CALLBACK : undefined);
    if (!taker) return;
    let handed = argumentAt(call, taker.at);
    // `functools.partial(notify, user)` is called as `notify(user)`.
    if (handed?.type === 'call' && PARTIALS.has(model.callee(handed) ?? '')) handed = argumentAt(handed, 0);
    if (!handed || !model.namesCoroutineFunction(handed)) return;
    const name = model.qualifiedName(handed)!;
    const elsewhere = model.definedElsewhere(name);
    const defined = elsewhere ? ` (\`${lastPart(name)}\` is a coroutine function, ${elsewhere})` : '';
    const outcome = taker.outcome === 'raises'
      ? 'asyncio refuses a coroutine function there and raises TypeError at once'
      : 'it calls it as a plain function, which only creates a coroutine: the body never runs';
    report(call, `\`${callSnippet(call)}\` is given the coroutine function \`${snippet(handed, 40)}\`${defined}: ${outcome}; pass a plain function that starts it as a task (\`loop.create_task(${snippet(handed, 30)}(...))\`), or await it where it is needed`);
  },
});

/** `task.add_done_callback(fn)` on a value known to be a future or a task. */
function isDoneCallbackOfFuture(call: Node, model: SemanticModel): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'add_done_callback') return false;
  const receiver = fn.childForFieldName('object');
  const type = receiver ? model.typeOf(receiver) : null;
  return !!type && FUTURES.has(type);
}
