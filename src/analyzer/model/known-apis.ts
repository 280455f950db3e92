// What the analyzer knows about libraries, by qualified name. A "type" here is the qualified name of
// what was called to make a value (`asyncio.Queue`), and a method on it is `asyncio.Queue.put`.
// Only names listed here (or defined in the analyzed project) ever produce findings: unknown means silent.
// The facts come from one table per library (src/analyzer/knowledge/libraries/); this file names the
// lookups the model and the rules use, and adds what Python itself means (builtins, typing, abc).
import { KNOWLEDGE, withRole } from '../knowledge/index.js';

/** Calling these returns a coroutine (or an awaitable that does nothing until awaited). */
export const LIBRARY_COROUTINE_FUNCTIONS: ReadonlySet<string> = KNOWLEDGE.coroutineFunctions;

/** What a call returns, when that is not "an instance of what was called". */
export const CALL_RESULT_TYPES: ReadonlyMap<string, string> = KNOWLEDGE.callResultTypes;

/** What an attribute of a library value holds, by `type.attribute`. */
export const ATTRIBUTE_TYPES: ReadonlyMap<string, string> = KNOWLEDGE.attributeTypes;

/** What `await call()` gives, by what was called. */
export const AWAIT_RESULT_TYPES: ReadonlyMap<string, string> = KNOWLEDGE.awaitResultTypes;

/** The types of the elements of what `await call()` gives, when it is unpacked (`reader, writer = await ...`). */
export const AWAIT_RESULT_ELEMENT_TYPES: ReadonlyMap<string, readonly string[]> = KNOWLEDGE.awaitResultElementTypes;

/** The types of the elements of what `call()` returns, when it is unpacked (`send, receive = ...`). */
export const CALL_RESULT_ELEMENT_TYPES: ReadonlyMap<string, readonly string[]> = KNOWLEDGE.callResultElementTypes;

/** What `with x as y` / `async with x as y` binds to y, by the type of x, when it is not x itself. */
export const CONTEXT_ENTER_TYPES: ReadonlyMap<string, string> = KNOWLEDGE.contextEnterTypes;

/** What calling a function decorated with `@contextlib.asynccontextmanager` returns: `async with` enters it,
 *  plain `with` raises TypeError. Entering it gives whatever the generator yields (unknown). */
export const ASYNC_GENERATOR_CONTEXT_MANAGER = 'contextlib._AsyncGeneratorContextManager';

/** Decorators that turn an async generator function into a factory of ASYNC_GENERATOR_CONTEXT_MANAGER. */
export const ASYNC_CONTEXT_MANAGER_DECORATORS: ReadonlySet<string> = withRole('async-context-manager-decorator');

/** Types usable with `async with` but not with `with`. */
export const ASYNC_ONLY_CONTEXT_MANAGERS: ReadonlySet<string> = KNOWLEDGE.asyncOnlyContextManagers;

/** What calling an (undecorated) async generator function returns: iterable with `async for` only. */
export const ASYNC_GENERATOR = 'types.AsyncGeneratorType';

/** Types iterable with `async for` but not with `for`. */
export const ASYNC_ONLY_ITERABLES: ReadonlySet<string> = new Set([ASYNC_GENERATOR, ...KNOWLEDGE.asyncOnlyIterables]);

/** Calls that block the event loop's thread, with the rule that reports them and what it says. */
export const BLOCKING_CALLS = KNOWLEDGE.blockingCalls;

/** The qualified names of the blocking calls of one kind (`http`, `database`...). */
export function blockingCallsOf<K extends import('../knowledge/library.js').BlockingCall['kind']>(kind: K): ReadonlyMap<string, Extract<import('../knowledge/library.js').BlockingCall, { kind: K }>> {
  return new Map([...BLOCKING_CALLS].filter((entry): entry is [string, Extract<import('../knowledge/library.js').BlockingCall, { kind: K }>] => entry[1].kind === kind));
}

/** Classes whose instances hold connections until a close method (a coroutine) is awaited, by that method. */
export const CLOSE_METHODS: ReadonlyMap<string, string> = KNOWLEDGE.closeMethods;

/** Synchronous primitives (`threading.Lock`) by their async counterparts in each library. */
export const ASYNC_EQUIVALENTS = KNOWLEDGE.asyncEquivalents;

/** Calls that schedule a task and return the only strong reference to it. */
export const TASK_SPAWNERS: ReadonlySet<string> = withRole('task-spawner');

/** What makes a Future (not a coroutine) whose work runs anyway, as the model names the value's type. */
export const FUTURE_MAKERS: ReadonlySet<string> = withRole('future-maker');

/** Async HTTP clients that pool connections and are made to be shared. */
export const HTTP_CLIENT_SESSIONS: ReadonlySet<string> = withRole('http-client-session');

/** Builtins that libraries export a replacement of (`aiofiles.open`, `io.open`, `gzip.open`, `os.open`...): after
 *  `from module import *` the bare name may be the module's. Other builtins keep their meaning there (rules
 *  mostly read them to stay quiet: `range(10)`, `@staticmethod`, `except BaseException`). */
export const STAR_EXPORTED_BUILTINS: ReadonlySet<string> = new Set(['open', 'input', 'print']);

/** What `from MODULE import *` binds (MODULE's `__all__`, else its public names; checked with CPython 3.11),
 *  restricted to the names rules ask about as `MODULE.name`: after the star import, a bare `sleep` that
 *  nothing else binds is `time.sleep`. */
export const STAR_IMPORTED_NAMES: ReadonlyMap<string, ReadonlySet<string>> = KNOWLEDGE.starExports;

/** Base classes that define none of the methods rules ask about, so a class deriving from them is fully
 *  known from its own body (any other base we cannot see might define `__enter__`, `__iter__`, `fetch`...). */
export const INERT_BASE_CLASSES: ReadonlySet<string> = new Set([
  'builtins.object', 'builtins.Exception', 'abc.ABC', 'typing.Generic', 'typing.Protocol', 'typing_extensions.Protocol',
]);

/** Decorators after which an `async def` is still called to get a coroutine (Python's own, and the libraries'
 *  with the role). Any other decorator may change what calling the function returns, so the function is then
 *  treated as unknown. */
export const TRANSPARENT_DECORATORS: ReadonlySet<string> = new Set([
  'abc.abstractmethod', 'functools.wraps', 'typing.override', 'typing_extensions.override',
  ...withRole('transparent-decorator'),
]);

/** Task groups and nurseries (what `async with` enters; a type, or the call that makes one). */
export const TASK_GROUP_TYPES: ReadonlySet<string> = withRole('task-group');

/** Cancel scopes with a deadline: `async with asyncio.timeout()`, `with anyio.fail_after()`, `with trio.move_on_after()`. */
export const TIMEOUT_SCOPE_TYPES: ReadonlySet<string> = withRole('timeout-scope');

/** Every cancel scope: the deadline ones and the explicit CancelScope classes. */
export const CANCEL_SCOPE_TYPES: ReadonlySet<string> = new Set([...TIMEOUT_SCOPE_TYPES, ...withRole('cancel-scope')]);

/** Objects that bound how many tasks run at once when entered with `async with` or passed to workers. */
export const CONCURRENCY_LIMITER_TYPES: ReadonlySet<string> = withRole('concurrency-limiter');

/** Exception classes that carry a task's cancellation (catching them stops it unless re-raised). */
export const CANCELLATION_EXCEPTIONS: ReadonlySet<string> = withRole('cancellation-exception');

/** Calls returning the running backend's cancellation exception class (`except anyio.get_cancelled_exc_class():`). */
export const CANCELLATION_EXCEPTION_FACTORIES: ReadonlySet<string> = withRole('cancellation-exception-factory');

/** Async sleeps: awaiting one is a pure checkpoint that raises nothing but cancellation. */
export const ASYNC_SLEEP_FUNCTIONS: ReadonlySet<string> = withRole('async-sleep');

/** What starts an event loop, by qualified name, and whether its first argument is what to await instead. */
export const LOOP_STARTERS: ReadonlyMap<string, { awaitsArgument: boolean }> = new Map([
  ...[...withRole('loop-runner')].map((name): [string, { awaitsArgument: boolean }] => [name, { awaitsArgument: true }]),
  ...[...withRole('loop-starter')].map((name): [string, { awaitsArgument: boolean }] => [name, { awaitsArgument: false }]),
]);

/** A module that starts a loop says one of these words (`run`, `run_until_complete`, …): the last parts of
 *  LOOP_STARTERS' names, which an import or a method call spells out even under an alias. */
export const LOOP_STARTER_NAMES: readonly string[] = [...new Set([...LOOP_STARTERS.keys()].map((name) => name.slice(name.lastIndexOf('.') + 1)))];
export const LOOP_STARTER_WORDS = new RegExp(`\\b(?:${LOOP_STARTER_NAMES.join('|')})\\b`);

/** What runs the coroutine (function) it is given on a new loop of its own (`asyncio.run(main())`, `trio.run`). */
export const NEW_LOOP_RUNNERS: ReadonlySet<string> = withRole('new-loop-runner');
