import type { Node } from 'web-tree-sitter';
import { defineRule, type ReportOptions, type RuleContext } from '../src/analyzer/rule.js';
import type { FunctionInfo, SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { clauseText, whatIsCaught } from './support/except-clauses.js';
import { handsCancellationOn } from './support/cancellation-handoff.js';
import { afterHandler, afterJump, endsWithoutLooping, type Aftermath } from './support/after-handler.js';
import { enclosingTimeout, isShielded } from './support/scopes-around.js';
import { awaitsOnlyTaskObjects, cancelsItsOwnTasks } from './support/awaited-tasks.js';
import { isAwaitedOnlyAsLastStep, isAwaitedOnlyByEndingTasks, isFrameworkEntryPoint, isOnlyHandedOnAsStream, isOnlyRegisteredAsHandler, isOnlyRegisteredByDecorator, isRunOnlyAsLoopMain, isStartedOnlyAsTask } from './support/coroutine-starts.js';
import { awaitOfStartedTask } from './support/task-awaiters.js';
import { cancellationMayComeOutOf, maySuspendIn } from './support/suspension.js';
import { isOnlyRunOnNewLoops } from '../src/analyzer/model/loop-entry.js';
import { importsOtherBackend, reRaiseFix } from './support/reraise-fix.js';

export default defineRule({
  name: 'swallowed-cancellation',
  aliases: ['ASYNC103', 'ASYNC104'],
  severity: 'warning',
  scope: 'coroutine',
  what: 'Reports `except asyncio.CancelledError`, `except BaseException` or a bare `except:` in a coroutine whose handler does not re-raise where the lost cancellation shows (the task runs on: a loop goes round again or more awaits follow the try; callers that may await the coroutine inline carry on as if it had completed; or a timeout scope around it never fires), and a `return`, `break` or `continue` in the `finally:` of a try that awaits (it discards the exception in flight). Left alone on purpose: a try that never suspends (it awaits only local coroutines that await nothing themselves: a cancellation cannot arrive there), the end of a program\'s entry coroutine (only ever run by `asyncio.run(main())`, `trio.run` or `anyio.run` from synchronous code: no task awaits it, and a Ctrl-C that cancels it just ends the program), a handler that raises another exception in its place (`raise CommClosedError(...) from exc`: the task stops, and whoever waits for it sees an error, not a completion), the end of a coroutine the module only ever starts as a task (`create_task(self._reader())`, `nursery.start_soon(self._serve)`, `taskgroup.spawn(self.run())`, `start_background_task(self._thread)`, `asyncio.gather(self.run(), ...)`, whose gather raises CancelledError when cancelled even where a child swallowed it: the starters are listed in src/analyzer/knowledge/task-starting-methods.ts) or only as the last step of same-named overrides so started (`await super()._connect(url)`), or a stream-server callback (`async def handle(reader, writer)`, which `asyncio.start_server` runs as a task per connection, also through a lambda: `start_server(lambda r, w: handle(r, w, state))`), or a coroutine such tasks only await, each then running straight to its end (a route handler the connection callback awaits before closing the connection), and never awaits inline, unless something awaits that task without cancelling it first (`await self._task_handler` under a timeout: the awaiter\'s cancellation is forwarded into the task, and when the task swallows it the awaiter\'s `await` returns normally too; a coroutine defined where the task is cancelled, only to collect it, is the owner\'s), such a task or a program\'s entry coroutine that finishes after the cancellation with awaits leading straight to its end (cleanup below the try: no `while` or `async for` after it), the end of a private loop coroutine (`async def _keepalive_loop(self): while ...`) that its module never names, the body of a background task the project starts from another module, and of one every caller in the module awaits as its last step, in a module that cancels nothing and sets no timeout, the owner\'s `task.cancel()` then `await task`, a handler registered with a framework and never called in the module (`app.router.add_post("/", self.handle)`, or a registry\'s decorator: `@dp.callback_query(...)`, `@app.get("/")` on `dp = Dispatcher()`, `app = FastAPI()` or a name imported from a module: its caller is the framework, which we do not see), a method the framework calls per request through the class it derives from (a Tornado `RequestHandler.get`, an aiohttp `View.post`: src/analyzer/knowledge/framework-handlers.ts), an `except CancelledError:` that decides what a cancelled call gives its callers (`ret = None`, then `return ret`; `return False`: a design, as python-socketio\'s event handlers), handlers behind an earlier clause that re-raises the cancellation (`except (OSError, get_cancelled_exc_class()): raise`), trio/anyio shielded cancel scopes, handlers that cancel their scope again, an async generator whose `except (CancelledError, GeneratorExit):` ends the stream (its consumer went away, closed or cancelled: a server-sent-events stream), or whose `except CancelledError:` ends it where the module only hands the generator to another call (`StreamingResponse(event_generator())`: its consumer is unseen), and test code (test modules and folders, `test_*` functions, pytest fixtures).',
  why: 'Cancellation is delivered as an exception, so a handler that swallows it makes `task.cancel()`, timeouts and TaskGroup shutdown silently fail: the task keeps running and whoever waits for it hangs, a caller carries on with a result that was never produced, or `asyncio.timeout()` never raises TimeoutError. A background task that only ends after the handler loses nothing its owner could notice.',
  bad: `import asyncio


async def worker(queue):
    try:
        while True:
            await queue.get()
    except asyncio.CancelledError:
        print("worker stopped")
`,
  good: `import asyncio


async def worker(queue):
    try:
        while True:
            await queue.get()
    except asyncio.CancelledError:
        print("worker stopped")
        raise
`,
  fix: 'Where the handler leads straight to the end of the coroutine, adds `raise` at the end of a handler that catches only the cancellation (replacing a sole `pass`, a bare `return` or a final `break`); for a bare `except:` or `except BaseException:` that only logs, inserts an `except asyncio.CancelledError: raise` clause before it. Code that goes on after the handler, or a handler that cleans up (closes a transport, sends an error response), gets no fix: re-raising would skip it.',
  query: `
(try_statement body: (block) @body (except_clause) @handler)
(try_statement body: (block) @body (finally_clause (block) @finally))
`,
  check({ body, handler, finally: cleanup }, { model, report }) {
    if (cleanup) {
      reportExitsFromFinally(body, cleanup, model, report);
      return;
    }
    if (!model.isInCoroutine(handler) || handler.children.some((c) => c?.type === '*')) return;
    const caught = whatIsCaught(handler, model);
    if (!caught || (!caught.cancellation && !caught.everything)) return;
    // Cancellation arrives only where the try body suspends: not at an await of a local coroutine that never does.
    if (!maySuspendIn(body, model)) return;
    // The awaited local coroutine loses the cancellation itself (and is reported there): none reaches this handler.
    if (!cancellationMayComeOutOf(body, model, (tryStatement) => swallowsEveryCancellation(tryStatement, model))) return;
    if (earlierHandlerTakesCancellation(handler, model)) return;
    // `task.cancel(); try: await task; except CancelledError: pass` waits for a task we cancelled ourselves.
    if (caught.cancellation && !caught.everything && awaitsOnlyTaskObjects(body, model)) return;
    const block = handler.namedChildren.find((c) => c?.type === 'block');
    if (!block || handsCancellationOn(handler, block, caught, model) || isShielded(handler.parent!, body, model)) return;
    // `except CancelledError: for t in tasks: t.cancel()`, then only collecting them: cancelled on purpose.
    if (caught.cancellation && !caught.everything && cancelsItsOwnTasks(block, model)) return;
    const after = afterHandler(handler, block, model);
    // An async generator that stops streaming when its consumer goes away, closed (GeneratorExit) or cancelled,
    // as a server-sent-events stream does: ending is the answer to both.
    // So does one only handed to another call (`StreamingResponse(event_generator())`): its consumer is unseen.
    const generator = model.enclosingFunction(handler);
    if (after.kind === 'ends' && generator && isAsyncGenerator(generator)
      && (/\bGeneratorExit\b/.test(clauseText(handler)) || isOnlyHandedOnAsStream(generator, model))) return;
    const loss = whoSeesTheLoss(handler, after, model, caught.cancellation && !caught.everything && givesTheCancelledCallAResult(block, model));
    if (!loss) return;
    const fix = reRaiseFix(handler, block, caught, after.kind === 'ends' && after.directly, model);
    report(handler, `\`${clauseText(handler)}\` in ${model.describeContext(handler)} ${caught.cancellation ? 'catches' : 'also catches'} the task's cancellation and never re-raises it: ${loss}; ${advice(after, fix, model)}`, {
      ...fix,
      endNode: handler.child(handler.children.findIndex((c) => c?.type === ':')) ?? handler,
    });
  },
});

/** Who sees that the cancellation was lost, as the message says it; null when no one does: test code, the
 *  loop's main task under `run_until_complete` (no one holds it to cancel it), the entry coroutine of
 *  `asyncio.run(main())` that then ends, or a coroutine that then just ends as the body of a task nobody awaits
 *  inline (its owner cancels it and, at most, waits for it to finish). */
function whoSeesTheLoss(node: Node, after: Aftermath, model: SemanticModel, resultDecided = false): string | null {
  if (model.isTestCode(node)) return null;
  const owner = model.enclosingFunction(node);
  // The loop's main task under run_until_complete: no one holds it, so no one cancels it.
  if (owner && isRunOnlyAsLoopMain(owner, model)) return null;
  const startedOnlyAsTask = !!owner && isStartedOnlyAsTask(owner, model);
  // Whoever awaits that task (not right after cancelling it) has its own cancellation forwarded into it: if the
  // task swallows it and ends normally, so does the awaiter's `await`.
  const awaiter = startedOnlyAsTask ? awaitOfStartedTask(owner!, model) : null;
  if (awaiter && after.kind !== 'runs-on') return `the task then ends as if it had completed, so \`${awaiter.text}\` in ${model.describeContext(awaiter)} returns normally after its own cancellation or timeout, which the task took in its place`;
  // A task the module starts and never cancels (no `.cancel()` in it): only the loop's teardown could, and a
  // handler that then cleans up is what the owner wants.
  if (startedOnlyAsTask && !awaiter && !/\.cancel\(/.test(model.source.text)) return null;
  // A task nobody awaits that, once cancelled, finishes with awaits that lead straight to its end (no loop):
  // its owner asked it to stop, and it does, after the cleanup written below the try instead of in the handler
  // (aiortc's RTCP sender sends its BYE packet, then ends; stop() waits for an event it sets last).
  // So does a program's entry coroutine (only ever run by `asyncio.run(main())`) that shuts down after a
  // Ctrl-C: it cancels what it started, awaits it and returns its exit code.
  if (after.kind === 'runs-on' && after.via === 'await' && owner && ((startedOnlyAsTask && !awaiter) || isOnlyRunOnNewLoops(model, owner)) && endsWithoutLooping(node, owner)) return null;
  // A method its framework calls per request (a Tornado handler's `get`, an aiohttp View's `post`): the framework
  // awaits it as the request's last step and carries on with nothing the swallow could spoil, and cancels it at
  // most when its client has gone (Tornado never does). A CancelledError it meets comes from what it awaited:
  // jupyterhub's spawn-progress handler absorbs a cancelled spawn's progress stream, then reports the result.
  if (owner && isFrameworkEntryPoint(owner, model)) return null;
  if (after.kind === 'runs-on') {
    const how = after.via === 'loop' ? 'the loop goes round again' : 'the coroutine goes on to await again after the try';
    return `${how}, so the task runs on after \`cancel()\` or a timeout`;
  }
  // Another exception leaves in its place (`raise CommClosedError(...) from exc`): the task stops, and whoever
  // waits for it, or a timeout around it, sees an error, not a completion. Nothing carries on.
  if (after.kind === 'replaced') return null;
  const timeout = enclosingTimeout(node, model);
  if (timeout) return `the coroutine then returns normally, so the \`${timeout.text}()\` around it never raises TimeoutError`;
  // The entry coroutine of `asyncio.run(main())`: no task awaits it, and a Ctrl-C that cancels it (3.11+) then
  // ends the program normally. (One that goes on after the cancel is reported above: Ctrl-C would not stop it.)
  // So is a coroutine only awaited by such tasks, each of which then runs straight to its end (a hand-rolled
  // server's connection callback awaits the route's handler, then closes the connection).
  if (startedOnlyAsTask || (owner && (isOnlyRunOnNewLoops(model, owner) || isBackgroundLoopStartedElsewhere(owner, node, model) || isAwaitedOnlyByEndingTasks(owner, model)))) return null;
  // Every caller here ends right after awaiting it, and nothing here cancels or sets a deadline: no code in
  // the module carries on after a swallowed cancellation (tornado's accept_connection, awaited last by get()).
  if (owner && !CANCELS_OR_TIMES_OUT.test(model.source.text) && isAwaitedOnlyAsLastStep(owner, model)) return null;
  // Registered with a framework (`add_post('/', self.handle)`) and never called here: its caller is unseen.
  // So is one registered by a framework's decorator (`@dp.callback_query(...)`, `@app.get("/")`) and named
  // nowhere else in the module.
  if (owner && (isOnlyRegisteredAsHandler(owner, model) || isOnlyRegisteredByDecorator(owner, model))) return null;
  // `except CancelledError: ret = None` ... `return ret`: the author named the cancellation and decided what a
  // cancelled call gives its callers (python-socketio's event handlers). That is a design, not an accident.
  if (resultDecided) return null;
  return 'the coroutine then returns as if it had completed, so a caller that awaits it carries on after `cancel()` or a timeout';
}

/** Does the handler give the cancelled call a result of its own: `return value` (not None), or a value assigned
 *  to a local that the coroutine then returns (`ret = None`, then `return ret` after the try)? */
function givesTheCancelledCallAResult(block: Node, model: SemanticModel): boolean {
  const owner = model.enclosingFunction(block);
  if (!owner) return false;
  const mine = (node: Node | null): node is Node => !!node && model.enclosingFunction(node) === owner;
  const returned = (statement: Node) => statement.namedChildren.find((child) => child?.type !== 'comment') ?? null;
  if (block.descendantsOfType('return_statement').filter(mine).some((statement) => {
    const value = returned(statement);
    return !!value && value.type !== 'none';
  })) return true;
  const assigned = new Set(block.descendantsOfType('assignment').filter(mine)
    .map((assignment) => assignment.childForFieldName('left'))
    .filter((left): left is Node => left?.type === 'identifier').map((left) => left.text));
  if (assigned.size === 0) return false;
  return owner.node.descendantsOfType('return_statement').filter(mine).some((statement) => {
    const value = returned(statement);
    return value?.type === 'identifier' && assigned.has(value.text) && !(statement.startIndex >= block.startIndex && statement.endIndex <= block.endIndex);
  });
}

/** A private loop coroutine (`async def _keepalive_loop(self): while self.is_connected(): ...`) that the
 *  module's code never names (`__all__` and docstrings do not count): the project starts it from another module
 *  (a mixin's method, telethon's client), and a loop that runs until it is cancelled is the body of a background
 *  task, not a call whose result anyone awaits. The handler sits in or around that loop, so the task just ends.
 *  A public one may be a library's API that its users await inline (matrix-nio's `sync_forever`, whose upstream
 *  made the cancellation propagate), so it is not taken for a task. */
function isBackgroundLoopStartedElsewhere(owner: FunctionInfo, handler: Node, model: SemanticModel): boolean {
  if (!/^_[^_]/.test(owner.name) || isNamedInCode(owner, model)) return false;
  const tryStatement = handler.parent;
  const loopAround = (node: Node | null): boolean => {
    for (let at = node; at && at.id !== owner.node.id; at = at.parent) if (at.type === 'while_statement') return true;
    return false;
  };
  const loopInside = tryStatement?.childForFieldName('body')?.namedChildren.some((statement) => statement?.type === 'while_statement');
  return !!loopInside || loopAround(tryStatement);
}

/** Does an identifier in the module's code (not its own `def`, not a string or comment) name the function? */
function isNamedInCode(fn: FunctionInfo, model: SemanticModel): boolean {
  return model.identifiersNamed(fn.name).some((identifier) => !(identifier.parent?.type === 'function_definition' && identifier.parent.id === fn.node.id));
}

/** What in a module may cancel a task or put a deadline on it. */
const CANCELS_OR_TIMES_OUT = /\.cancel\(|\bwait_for\b|\btimeout(?:_at)?\(|\b(?:move_on|fail)_(?:after|at)\b|\bCancelScope\b/;

function advice(after: Aftermath, fix: ReportOptions, model: SemanticModel): string {
  if (fix.lineFix) return 'add `raise`';
  // Code that goes on after a cancellation on purpose should say so to asyncio (3.11+), which asks it of
  // anyone suppressing a cancellation: TaskGroups and timeouts count cancellation requests.
  if (after.kind === 'runs-on' && model.pythonHas([3, 11]) && !importsOtherBackend(model)) {
    return 're-raise it, or, if the task is meant to survive this cancellation, call `asyncio.current_task().uncancel()` in the handler, as asyncio asks of code that suppresses one';
  }
  return 're-raise it';
}

/** An earlier `except CancelledError:`, `except BaseException:` or bare `except:` of the same try takes the
 *  cancellation before this handler sees it (after a catch-all, this handler is never reached at all). */
function earlierHandlerTakesCancellation(handler: Node, model: SemanticModel): boolean {
  for (let sibling = handler.previousNamedSibling; sibling; sibling = sibling.previousNamedSibling) {
    if (sibling.type !== 'except_clause') continue;
    const caught = whatIsCaught(sibling, model);
    if (caught?.cancellation || caught?.everything) return true;
  }
  return false;
}

/** `finally: return` (or `break`/`continue` leaving the try's loop) replaces whatever exception is in flight,
 *  a CancelledError delivered at an await of the try included, with the jump. Not when the try's handlers
 *  take every cancellation of its body first and await nothing themselves (the handler is what to report
 *  then), nor where nobody sees the loss. */
function reportExitsFromFinally(body: Node, cleanup: Node, model: SemanticModel, report: RuleContext['report']): void {
  if (!model.isInCoroutine(cleanup)) return;
  const tryStatement = body.parent!;
  const clauses = tryStatement.namedChildren.filter((c): c is Node => c?.type === 'except_clause' || c?.type === 'else_clause');
  const bodyCarries = model.awaitPointsIn(body).length > 0 && !clauses.some((clause) => takesCancellationForGood(clause, model));
  if (!bodyCarries && !clauses.some((clause) => model.awaitPointsIn(clause).length > 0)) return;
  const owner = model.enclosingFunction(cleanup);
  for (const exit of cleanup.descendantsOfType(['return_statement', 'break_statement', 'continue_statement'])) {
    if (!exit || model.enclosingFunction(exit) !== owner || (exit.type !== 'return_statement' && isInLoopWithin(exit, cleanup))) continue;
    const loss = whoSeesTheLoss(exit, afterJump(exit, tryStatement, model), model);
    if (!loss) continue;
    const keyword = exit.type.replace('_statement', '');
    report(exit, `\`${keyword}\` in the \`finally:\` of a try that awaits, in ${model.describeContext(exit)}: it discards the exception in flight, a cancellation delivered at one of the try's awaits included, and ${loss} (Python 3.14 warns about it); \`${keyword}\` after the try instead`);
  }
}

/** An `except` clause that catches the cancellation and does not hand it on: none of it reaches the `finally:`. */
function takesCancellationForGood(clause: Node, model: SemanticModel): boolean {
  if (clause.type !== 'except_clause') return false;
  const caught = whatIsCaught(clause, model);
  const block = clause.namedChildren.find((c) => c?.type === 'block');
  return !!caught && !!block && (caught.cancellation || caught.everything) && !handsCancellationOn(clause, block, caught, model);
}

/** Is the `break`/`continue` inside a loop that is itself inside the finally block (so it leaves only that loop)? */
function isInLoopWithin(exit: Node, cleanup: Node): boolean {
  for (let parent = exit.parent; parent && parent.id !== cleanup.id; parent = parent.parent) {
    if (parent.type === 'for_statement' || parent.type === 'while_statement') return true;
  }
  return false;
}

function isAsyncGenerator(fn: FunctionInfo | null | undefined): boolean {
  return !!fn && fn.isAsync && fn.isGenerator;
}

/** Does the try's first handler that takes a cancellation (catch-all or CancelledError) keep it? */
function swallowsEveryCancellation(tryStatement: Node, model: SemanticModel): boolean {
  const taker = tryStatement.namedChildren.find((clause): clause is Node => {
    if (clause?.type !== 'except_clause' || clause.children.some((c) => c?.type === '*')) return false;
    const caught = whatIsCaught(clause, model);
    return !!caught && (caught.cancellation || caught.everything);
  });
  return !!taker && takesCancellationForGood(taker, model);
}
